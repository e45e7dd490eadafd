package com.zeroui.kms.bench;

import com.sun.management.OperatingSystemMXBean;
import com.zeroui.kms.audit.AuditLog;
import com.zeroui.kms.audit.AuditRecord;
import com.zeroui.kms.audit.AuditTrail;
import com.zeroui.kms.audit.ReceiptSigner;
import com.zeroui.kms.auth.CallerIdentity;
import com.zeroui.kms.events.EventType;
import com.zeroui.kms.events.Events;
import com.zeroui.kms.store.Database;
import com.zeroui.kms.store.JdbcAuditRepository;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * What a signature_created event adds to an audited operation, in process: the same audited
 * "sign" operations (receipt, Ed25519 receipt signature, Merkle nodes, group commit on SQLite with
 * fsync) with and without the event, alternating, reporting process CPU per operation and wall
 * throughput. Not a test: run by hand (see BENCHMARKS.md "Events").
 */
public final class EventCostBenchmark {
    public static void main(String[] args) throws Exception {
        int ops = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int threads = 16;
        List<String> rows = new ArrayList<>();
        for (int round = 1; round <= 3; round++) {
            for (boolean withEvents : new boolean[] {false, true}) {
                rows.add("| " + round + " | " + (withEvents ? "with signature events" : "without") + " | "
                        + run(ops, threads, withEvents) + " |");
            }
        }
        System.out.println("| round | configuration | ops/s | process CPU µs/op | outbox rows |");
        System.out.println("|--:|---|--:|--:|--:|");
        rows.forEach(System.out::println);
    }

    private static String run(int ops, int threads, boolean withEvents) throws Exception {
        Path dir = Files.createTempDirectory("kms-event-cost-");
        try (Database db = Database.open("jdbc:sqlite:" + dir.resolve("kms.db"), null, null)) {
            KeyPairGenerator g = KeyPairGenerator.getInstance("Ed25519");
            KeyPair keys = g.generateKeyPair();
            ReceiptSigner signer = ReceiptSigner.of("bench-receipt-key", message -> {
                try {
                    Signature s = Signature.getInstance("Ed25519");
                    s.initSign(keys.getPrivate());
                    s.update(message);
                    return s.sign();
                } catch (java.security.GeneralSecurityException e) {
                    throw new IllegalStateException(e);
                }
            });
            JdbcAuditRepository repository = new JdbcAuditRepository(db);
            try (AuditLog log = new AuditLog(repository, signer, Duration.ofMillis(2), 512, Duration.ofSeconds(30))) {
                Clock clock = Clock.systemUTC();
                Events events = withEvents ? new Events(EnumSet.allOf(EventType.class), clock) : Events.none(clock);
                AuditTrail trail = new AuditTrail(log, clock, events);
                CallerIdentity caller = new CallerIdentity("M21", "acme", Set.of(), "spiffe://zeroui.local/tenant/acme/module/M21");
                Runnable one = () -> {
                    AuditRecord record = trail.begin("signature_created", "sign", caller).scope("acme", "dev", "tenant")
                            .keyRef("k-1").secretLength("data", 256);
                    trail.run(record, () -> {
                        record.key("k-1", 256).algorithm("EdDSA");
                        Map<String, Object> payload = new LinkedHashMap<>();
                        payload.put("key_id", "k-1");
                        payload.put("operation_id", record.receiptId());
                        payload.put("algorithm", "EdDSA");
                        events.make(EventType.SIGNATURE_CREATED, "acme", "dev", "tenant", "k-1", payload)
                                .ifPresent(record::event);
                        return Boolean.TRUE;
                    });
                };
                for (int i = 0; i < 2_000; i++) {
                    one.run(); // warm-up
                }
                OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
                ExecutorService pool = Executors.newFixedThreadPool(threads);
                long cpu0 = os.getProcessCpuTime();
                long t0 = System.nanoTime();
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    done.add(pool.submit(() -> {
                        for (int i = 0; i < ops / threads; i++) {
                            one.run();
                        }
                    }));
                }
                for (Future<?> f : done) {
                    f.get();
                }
                long wall = System.nanoTime() - t0;
                long cpu = os.getProcessCpuTime() - cpu0;
                pool.shutdown();
                long outbox = new com.zeroui.kms.store.JdbcEventOutbox(db).lastSeq();
                int measured = (ops / threads) * threads;
                return String.format("%.0f | %.0f | %d", measured / (wall / 1e9), cpu / 1e3 / measured, outbox);
            }
        } finally {
            com.zeroui.kms.support.TestNode.deleteTree(dir);
        }
    }
}
