package com.zeroui.kms.cli;

import com.zeroui.kms.bench.BenchClient;
import com.zeroui.kms.bench.BenchOperations;
import com.zeroui.kms.bench.ClientTls;
import com.zeroui.kms.bench.KeySeeder;
import com.zeroui.kms.bench.LoadRunner;
import com.zeroui.kms.bench.RandomKeyOperations;
import com.zeroui.kms.bench.ServerGauges;
import com.zeroui.kms.bench.SoakRunner;
import com.zeroui.kms.crypto.CryptoSuite;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code kms bench --create-keys N} and {@code kms bench --soak DURATION}: the scale and endurance modes. */
final class ScaleModes {
    private static final Pattern SHORT_DURATION = Pattern.compile("(\\d+)(s|m|h|d)");
    /** The soak's default mix: the request path's common operations, one each per cycle. */
    static final List<String> SOAK_MIX = List.of(BenchOperations.SIGN_EDDSA, BenchOperations.VERIFY_EDDSA,
            BenchOperations.ENCRYPT, BenchOperations.DECRYPT, BenchOperations.GET_KEY);

    private final BenchCommand options;

    ScaleModes(BenchCommand options) {
        this.options = options;
    }

    Integer call() throws InterruptedException {
        PrintStream log = System.err;
        PrintStream out = System.out;
        Duration soak;
        Duration interval;
        try {
            if (options.concurrency < 1) {
                throw new IllegalArgumentException("--concurrency must be at least 1");
            }
            soak = options.soak == null ? null : parse("--soak", options.soak);
            interval = parse("--interval", options.interval);
            if (soak != null && (interval.compareTo(soak) > 0 || interval.isZero())) {
                throw new IllegalArgumentException("--interval must be positive and not longer than --soak");
            }
            if (!(options.driftThreshold > 0)) {
                throw new IllegalArgumentException("--drift-threshold must be positive");
            }
        } catch (IllegalArgumentException e) {
            log.println("kms bench: " + e.getMessage());
            return 2;
        }
        Path tls = options.dataDir.resolve("tls");
        BenchClient client;
        try {
            client = new BenchClient(options.url, ClientTls.fromPemFiles(tls.resolve("admin.pem"), tls.resolve("admin.key"),
                    tls.resolve("ca.pem")));
        } catch (IOException | RuntimeException e) {
            log.println("kms bench: cannot set up against " + options.url + " with credentials from " + tls + ": " + e.getMessage());
            return 2;
        }
        int status = 0;
        if (options.createKeys > 0) {
            status = seed(client, log, out);
        }
        if (soak != null && status == 0) {
            status = soak(client, soak, interval, log, out);
        }
        return status;
    }

    private int seed(BenchClient client, PrintStream log, PrintStream out) throws InterruptedException {
        log.printf("kms bench: creating %d keys with %d clients into %s ...%n", options.createKeys, options.concurrency,
                options.keyFile);
        KeySeeder.Result result;
        try {
            result = KeySeeder.seed(client, options.createKeys, options.concurrency, options.keyFile, log);
        } catch (IOException e) {
            log.println("kms bench: cannot write " + options.keyFile + ": " + e.getMessage());
            return 2;
        }
        out.printf(Locale.ROOT, "- created %d keys (Ed25519 and AES-256 alternately) in %.0f s: %.0f keys/s with %d clients;"
                + " %d errors%s; load average %.2f%n", result.created(), result.seconds(), result.perSecond(),
                options.concurrency, result.errors(), result.firstError() == null ? "" : " (first: " + result.firstError() + ")",
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        return result.errors() > 0 ? 1 : 0;
    }

    private int soak(BenchClient client, Duration duration, Duration interval, PrintStream log, PrintStream out)
            throws InterruptedException {
        List<Supplier<LoadRunner.Operation>> mix = new ArrayList<>();
        String described;
        try {
            if (options.randomKeys != null) {
                RandomKeyOperations random = RandomKeyOperations.load(options.randomKeys);
                mix.addAll(random.mix(client));
                described = "sign (Ed25519) and encrypt (AES-256-GCM, 1 KiB) over " + random.size()
                        + " keys drawn uniformly at random from " + options.randomKeys;
            } else {
                for (BenchOperations.Definition d : BenchOperations.prepare(client, CryptoSuite.select(CryptoSuite.Preference.AUTO),
                        SOAK_MIX)) {
                    mix.add(d.service());
                }
                described = String.join(", ", SOAK_MIX) + " in turn";
            }
        } catch (IOException | RuntimeException e) {
            log.println("kms bench: cannot prepare the soak against " + options.url + ": " + e.getMessage());
            return 2;
        }
        out.println("## kms bench --soak " + options.soak + " " + Instant.now());
        out.println();
        out.println("- target: " + options.url + "; " + options.concurrency + " closed-loop clients; mix: " + described);
        out.println(String.format(Locale.ROOT, "- every %s: client ops/s and latency over the interval; server figures from"
                + " /metrics at its end; system load average (1 min) at start %.2f", options.interval,
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
        out.println();
        SoakRunner.Outcome outcome = new SoakRunner(mix, options.concurrency, () -> gauges(client), out)
                .run(duration, interval, options.driftThreshold);
        out.println(String.format(Locale.ROOT, "- system load average (1 min) at end %.2f",
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
        if (outcome.errors() > 0) {
            log.println("kms bench: soak had " + outcome.errors() + " failed requests; first: " + outcome.firstError());
        }
        if (outcome.drifted()) {
            log.println("kms bench: DRIFT: a resource kept growing (see the verdicts above)");
        }
        return outcome.errors() > 0 || outcome.drifted() ? 1 : 0;
    }

    private static ServerGauges gauges(BenchClient client) {
        try {
            BenchClient.Reply reply = client.send(client.getRequest("/metrics"));
            return reply.ok() ? ServerGauges.parse(reply.body()) : ServerGauges.UNAVAILABLE;
        } catch (IOException e) {
            return ServerGauges.UNAVAILABLE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ServerGauges.UNAVAILABLE;
        }
    }

    /** {@code 10s}, {@code 90m}, {@code 72h}, {@code 3d} or ISO-8601 ({@code PT1H}). */
    static Duration parse(String option, String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        Matcher m = SHORT_DURATION.matcher(t);
        try {
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                return switch (m.group(2)) {
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                };
            }
            Duration d = Duration.parse(text.trim().toUpperCase(Locale.ROOT));
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(option + " must be positive: " + text);
            }
            return d;
        } catch (DateTimeParseException | NumberFormatException e) {
            throw new IllegalArgumentException(option + " '" + text + "' is not a duration (10s, 90m, 72h, 3d or PT1H)");
        }
    }
}
