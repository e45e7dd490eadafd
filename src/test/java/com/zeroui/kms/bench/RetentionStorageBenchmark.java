package com.zeroui.kms.bench;

import com.zeroui.kms.audit.AuditLog;
import com.zeroui.kms.audit.AuditRecord;
import com.zeroui.kms.audit.AuditSealer;
import com.zeroui.kms.audit.AuditTrail;
import com.zeroui.kms.audit.LocalArchiveStore;
import com.zeroui.kms.audit.ReceiptSigner;
import com.zeroui.kms.audit.TreeHeads;
import com.zeroui.kms.auth.CallerIdentity;
import com.zeroui.kms.auth.Role;
import com.zeroui.kms.crypto.CryptoSuite;
import com.zeroui.kms.events.EventPruner;
import com.zeroui.kms.events.EventType;
import com.zeroui.kms.events.Events;
import com.zeroui.kms.store.Database;
import com.zeroui.kms.store.JdbcArchiveIndex;
import com.zeroui.kms.store.JdbcAuditRepository;
import com.zeroui.kms.store.JdbcEventOutbox;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * Storage per million receipts and events, before and after retention (issue 15): N audited "sign"
 * operations, each with its receipt and its signature_created event, then (1) a seal of the whole
 * log into an indexed archive and (2) pruning of the delivered events. Sizes are what the database
 * reports per table including its indexes (SQLite: dbstat after VACUUM; PostgreSQL:
 * pg_total_relation_size after VACUUM FULL) and the archive store's file sizes, scaled to 10^6.
 * Not a test: run by hand (see BENCHMARKS.md "Retention").
 * Args: N [jdbc-url [user]] (default 20000 on a fresh SQLite file).
 */
public final class RetentionStorageBenchmark {
    static final List<String> TABLES = List.of("kms_audit_receipts", "kms_audit_nodes", "kms_audit_tree_heads",
            "kms_audit_archived_receipts", "kms_audit_archives", "kms_audit_seals", "kms_events");

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        Path dir = Files.createTempDirectory("kms-retention-bench-");
        String url = args.length > 1 ? args[1] : "jdbc:sqlite:" + dir.resolve("kms.db");
        String user = args.length > 2 ? args[2] : null;
        Path archives = dir.resolve("archives");
        try (Database db = Database.open(url, user, null)) {
            KeyPair keys = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            ReceiptSigner signer = ReceiptSigner.of("bench-receipt-key", message -> sign(keys, message));
            JdbcAuditRepository repository = new JdbcAuditRepository(db);
            Clock clock = Clock.systemUTC();
            Map<String, Long> before;
            Map<String, Long> sealed;
            Map<String, Long> pruned;
            long archiveBytes;
            long nodeBytes;
            try (AuditLog log = new AuditLog(repository, signer, Duration.ofMillis(2), 512, Duration.ofSeconds(30))) {
                Events events = new Events(EnumSet.allOf(EventType.class), clock);
                AuditTrail trail = new AuditTrail(log, clock, events);
                append(trail, events, n);
                TreeHeads heads = new TreeHeads(repository, signer, clock);
                heads.latest();
                before = sizes(db);

                JdbcArchiveIndex index = new JdbcArchiveIndex(db);
                AuditSealer sealer = new AuditSealer(repository, heads, trail, id -> id.equals("bench-receipt-key")
                        ? Optional.of(keys.getPublic().getEncoded()) : Optional.empty(),
                        CryptoSuite.select(CryptoSuite.Preference.AUTO), clock, index);
                CallerIdentity operator = new CallerIdentity("@kms-cli", CallerIdentity.GLOBAL_TENANT, Set.of(Role.ADMIN),
                        "local:operator/bench");
                sealer.seal(AuditSealer.Bound.parse(Long.toString(n)), new LocalArchiveStore(archives), operator);
                sealed = sizes(db);
                archiveBytes = filesEnding(archives, ".json");
                nodeBytes = filesEnding(archives, ".nodes");

                // no sink configured: retention alone decides; a clock past it prunes every event
                new EventPruner(new JdbcEventOutbox(db), Duration.ofDays(30),
                        Clock.fixed(Instant.now().plus(Duration.ofDays(31)), ZoneOffset.UTC)).pruneOnce();
                pruned = sizes(db);
            }
            System.out.println("N = " + n + " receipts and " + n + " signature_created events on " + url.replaceAll(":[^:]*$", ":…"));
            System.out.println("| table / store | before | after sealing | after event pruning |");
            System.out.println("|---|--:|--:|--:|");
            for (String t : TABLES) {
                System.out.println("| " + t + " | " + perMillion(before.get(t), n) + " | " + perMillion(sealed.get(t), n)
                        + " | " + perMillion(pruned.get(t), n) + " |");
            }
            System.out.println("| database total | " + perMillion(total(before), n) + " | " + perMillion(total(sealed), n)
                    + " | " + perMillion(total(pruned), n) + " |");
            System.out.println("| archive files (.json) | – | " + perMillion(archiveBytes, n) + " | " + perMillion(archiveBytes, n) + " |");
            System.out.println("| node files (.nodes) | – | " + perMillion(nodeBytes, n) + " | " + perMillion(nodeBytes, n) + " |");
        } finally {
            com.zeroui.kms.support.TestNode.deleteTree(dir);
        }
    }

    private static void append(AuditTrail trail, Events events, int n) throws Exception {
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
                events.make(EventType.SIGNATURE_CREATED, "acme", "dev", "tenant", "k-1", payload).ifPresent(record::event);
                return Boolean.TRUE;
            });
        };
        int threads = 16;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int share = n / threads + (t < n % threads ? 1 : 0);
            done.add(pool.submit(() -> {
                for (int i = 0; i < share; i++) {
                    one.run();
                }
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        pool.shutdown();
    }

    /** Bytes per table including its indexes. */
    private static Map<String, Long> sizes(Database db) throws Exception {
        Map<String, Long> out = new LinkedHashMap<>();
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
            boolean sqlite = c.getMetaData().getURL().startsWith("jdbc:sqlite:");
            if (sqlite) {
                s.execute("VACUUM");
            }
            for (String table : TABLES) {
                if (sqlite) {
                    try (ResultSet rs = s.executeQuery("SELECT COALESCE(SUM(pgsize), 0) FROM dbstat WHERE name = '" + table
                            + "' OR name IN (SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = '" + table + "')")) {
                        rs.next();
                        out.put(table, rs.getLong(1));
                    }
                } else {
                    s.execute("VACUUM FULL " + table);
                    try (ResultSet rs = s.executeQuery("SELECT pg_total_relation_size('" + table + "')")) {
                        rs.next();
                        out.put(table, rs.getLong(1));
                    }
                }
            }
        }
        return out;
    }

    private static long total(Map<String, Long> sizes) {
        return sizes.values().stream().mapToLong(Long::longValue).sum();
    }

    private static long filesEnding(Path dir, String suffix) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(suffix)).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    private static String perMillion(Long bytes, int n) {
        return bytes == null ? "–" : String.format("%.0f MB", bytes * 1_000_000.0 / n / 1_000_000.0);
    }

    private static byte[] sign(KeyPair keys, byte[] message) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(keys.getPrivate());
            s.update(message);
            return s.sign();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
