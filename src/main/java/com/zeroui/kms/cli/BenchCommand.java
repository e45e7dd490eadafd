package com.zeroui.kms.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zeroui.kms.bench.BenchClient;
import com.zeroui.kms.bench.BenchOperations;
import com.zeroui.kms.bench.BenchRow;
import com.zeroui.kms.bench.ClientTls;
import com.zeroui.kms.bench.CpuTable;
import com.zeroui.kms.bench.CpuTarget;
import com.zeroui.kms.bench.LocalCpu;
import com.zeroui.kms.bench.ServerCounters;
import com.zeroui.kms.bench.LoadRunner;
import com.zeroui.kms.bench.ReportTable;
import com.zeroui.kms.crypto.CryptoSuite;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Drives a running server over mutual TLS and, in the same run, the same primitives in-process,
 * then prints a Markdown table with the spec's budgets. A benchmark, not a test: it reports what
 * it measures and exits non-zero only when requests fail.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, footer = "%nExample: ./kms bench --data-dir kms-data --duration 30",
        description = "Benchmark a running KMS against in-process primitives")
final class BenchCommand implements Callable<Integer> {
    @Option(names = "--url", defaultValue = "https://127.0.0.1:8443", description = "Server base URL. Default: ${DEFAULT-VALUE}")
    String url;

    @Option(names = "--data-dir", defaultValue = "${env:KMS_DATA_DIR:-kms-data}",
            description = "The server's data directory: the client uses tls/admin.pem, tls/admin.key and tls/ca.pem. Default: ${DEFAULT-VALUE}")
    Path dataDir;

    @Option(names = "--concurrency", defaultValue = "16", description = "Concurrent clients (and in-process threads). Default: ${DEFAULT-VALUE}")
    int concurrency;

    @Option(names = "--keygen-concurrency", defaultValue = "4",
            description = "Concurrent clients for key generation, which is CPU-bound and durable. Default: ${DEFAULT-VALUE}")
    int keygenConcurrency;

    @Option(names = "--duration", defaultValue = "10", description = "Measured seconds per operation and side. Default: ${DEFAULT-VALUE}")
    int durationSeconds;

    @Option(names = "--warmup", defaultValue = "10", description = "Warm-up seconds before each measurement (the server JIT needs several seconds on 2 cores). Default: ${DEFAULT-VALUE}")
    int warmupSeconds;

    @Option(names = "--operations", split = ",", description = "Comma list of operations (default all): ${COMPLETION-CANDIDATES}",
            completionCandidates = OperationNames.class)
    List<String> operations = new ArrayList<>();

    @Option(names = "--soak", paramLabel = "DURATION",
            description = "Endurance mode: mixed traffic (sign, verify, encrypt, decrypt, get-key; or --random-keys) for DURATION"
                    + " (e.g. 10s, 90m, 72h, PT1H), one line per --interval with ops/s, p99 and the server's RSS, heap after GC,"
                    + " open fds, threads, audit-log size and outbox depth, then a drift verdict per resource (docs/performance.md)")
    String soak;

    @Option(names = "--interval", defaultValue = "60s", paramLabel = "DURATION",
            description = "Soak reporting interval. Default: ${DEFAULT-VALUE}")
    String interval;

    @Option(names = "--drift-threshold", defaultValue = "0.10",
            description = "Soak: growth of a resource's last-quarter median over its first that counts as drift, when the"
                    + " quarter medians never fall. Default: ${DEFAULT-VALUE}")
    double driftThreshold;

    @Option(names = "--create-keys", defaultValue = "0", paramLabel = "N",
            description = "Scale mode: create N keys (alternately Ed25519 and AES-256) with --concurrency clients, append them"
                    + " to --key-file and report the rate")
    long createKeys;

    @Option(names = "--offline",
            description = "With --create-keys: write the keys straight into the stopped node's store in --data-dir (1000 per"
                    + " transaction, no per-key receipt or event), for populations the API cannot create in reasonable time")
    boolean offline;

    @Option(names = "--key-file", defaultValue = "bench-keys.tsv",
            description = "Where --create-keys appends the keys it created. Default: ${DEFAULT-VALUE}")
    Path keyFile;

    @Option(names = "--random-keys", paramLabel = "FILE",
            description = "Soak mix: sign and encrypt over keys drawn uniformly at random from FILE (written by --create-keys)")
    Path randomKeys;

    /** For the help text. */
    static final class OperationNames extends ArrayList<String> {
        private static final long serialVersionUID = 1L;

        OperationNames() {
            super(BenchOperations.ALL);
        }
    }

    /** How long the server's background CPU is measured, idle, before each operation. */
    private static final Duration IDLE_WINDOW = Duration.ofSeconds(3);

    @Override
    public Integer call() throws InterruptedException {
        if (createKeys > 0 && offline) {
            return seedOffline();
        }
        if (createKeys > 0 || soak != null) {
            return new ScaleModes(this).call();
        }
        PrintStream log = System.err;
        List<String> selected;
        try {
            if (concurrency < 1 || keygenConcurrency < 1 || durationSeconds < 1 || warmupSeconds < 0) {
                throw new IllegalArgumentException("--concurrency, --keygen-concurrency and --duration must be at least 1,"
                        + " --warmup at least 0");
            }
            selected = BenchOperations.select(operations);
        } catch (IllegalArgumentException e) {
            log.println("kms bench: " + e.getMessage());
            return 2;
        }

        Path tls = dataDir.resolve("tls");
        BenchClient client;
        String serverProvider;
        Map<String, String> serverPrimitives;
        CryptoSuite suite;
        List<BenchOperations.Definition> definitions;
        try {
            client = new BenchClient(url, ClientTls.fromPemFiles(tls.resolve("admin.pem"), tls.resolve("admin.key"),
                    tls.resolve("ca.pem")));
            BenchClient publicClient = new BenchClient(url, ClientTls.trustOnly(tls.resolve("ca.pem")));
            ObjectMapper json = new ObjectMapper();
            JsonNode config = json.readTree(client.require2xx(client.getRequest("/config")));
            serverProvider = config.path("crypto_provider").asText("unknown");
            serverPrimitives = json.convertValue(config.path("crypto_providers"),
                    new TypeReference<Map<String, String>>() { });
            suite = CryptoSuite.select(CryptoSuite.Preference.AUTO);
            definitions = BenchOperations.prepare(client, publicClient, suite, selected);
        } catch (IOException | RuntimeException e) {
            log.println("kms bench: cannot set up against " + url + " with credentials from " + tls + ": " + e.getMessage());
            return 2;
        }
        if (!suite.preferredProvider().equals(serverProvider)) {
            log.println("kms bench: WARNING: the server uses " + serverProvider + " but this process selected "
                    + suite.preferredProvider() + "; raw figures are for the latter");
        }

        double loadAtStart = loadAverage();
        Duration warmup = Duration.ofSeconds(warmupSeconds);
        Duration measure = Duration.ofSeconds(durationSeconds);
        List<BenchRow> rows = new ArrayList<>();
        List<CpuTable.Row> cpuRows = new ArrayList<>();
        for (BenchOperations.Definition op : definitions) {
            int threads = op.keyGeneration() ? keygenConcurrency : concurrency;
            log.printf("kms bench: %s (%s): service, %d clients ...%n", op.name(), op.description(), threads);
            ServerCounters counters = new ServerCounters(client);
            double idle = new ServerCounters(client).idleCpuPerSecond(IDLE_WINDOW);
            LoadRunner.Result service = LoadRunner.run(op.name(), threads, warmup, measure, true, op.service(), counters);
            LoadRunner.Result raw = null;
            if (op.raw() != null) {
                log.printf("kms bench: %s: in-process, %d threads ...%n", op.name(), threads);
                raw = LoadRunner.run(op.name() + "-raw", threads, warmup, measure, false, op.raw(), LocalCpu.probe());
            }
            reportErrors(log, op.name() + " (service)", service);
            if (raw != null) {
                reportErrors(log, op.name() + " (in-process)", raw);
            }
            BenchRow row = new BenchRow(op.name(), op.budget(), service, raw);
            rows.add(row);
            cpuRows.add(new CpuTable.Row(row, CpuTarget.forOperation(op.name()), counters.jitSeconds(), idle));
        }

        PrintStream out = System.out;
        out.println("## kms bench " + Instant.now());
        out.println();
        out.println("- target: " + url + "; server crypto provider: " + serverProvider + " (GET /kms/v1/config)");
        out.println("- server primitives: " + serverPrimitives);
        out.println("- in-process suite: CryptoSuite.select(AUTO) = " + suite.preferredProvider()
                + "; client JDK " + System.getProperty("java.runtime.version") + " (" + System.getProperty("java.vm.name")
                + "); " + Runtime.getRuntime().availableProcessors() + " processors visible");
        out.println(String.format(Locale.ROOT, "- system load average (1 min): %.2f at start, %.2f at end",
                loadAtStart, loadAverage()));
        out.println("- closed loop per operation and side: " + warmupSeconds + " s warm-up, " + durationSeconds
                + " s measured; " + concurrency + " clients (key generation " + keygenConcurrency + ")");
        out.println("- messages " + BenchOperations.MESSAGE_BYTES + " bytes (sign/verify), plaintext "
                + BenchOperations.PLAINTEXT_BYTES + " bytes (encrypt/decrypt); latency = client-side round trip");
        out.println();
        out.print(ReportTable.render(rows));
        out.println();
        out.println("Server CPU per request (process CPU over the window / requests; net: less the server's idle"
                + " background CPU measured for " + IDLE_WINDOW.toSeconds() + " s just before) beside the raw primitive's CPU"
                + " per call in this process; issue 12 targets:");
        out.println();
        out.print(CpuTable.render(cpuRows));
        boolean failed = rows.stream().anyMatch(r -> r.service().errors() > 0 || (r.raw() != null && r.raw().errors() > 0));
        if (failed) {
            log.println("kms bench: FAILED: some requests did not succeed; the figures above are not valid");
        }
        return failed ? 1 : 0;
    }

    private int seedOffline() {
        try {
            double seconds = OfflineKeySeeding.seed(dataDir, createKeys, keyFile, System.err);
            System.out.printf(Locale.ROOT, "- seeded %d keys offline (Ed25519 and AES-256 alternately) in %.0f s: %.0f keys/s;"
                    + " load average %.2f%n", createKeys, seconds, createKeys / seconds, loadAverage());
            return 0;
        } catch (IOException | RuntimeException e) {
            System.err.println("kms bench: offline seeding failed: " + e.getMessage());
            return 2;
        }
    }

    /** Other processes share the machine: the load average says how much. Negative where unavailable. */
    private static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    private static void reportErrors(PrintStream log, String what, LoadRunner.Result result) {
        if (result.errors() > 0) {
            log.println("kms bench: ERROR: " + what + ": " + result.errors() + " failed operations; first: "
                    + result.firstError());
        }
    }
}
