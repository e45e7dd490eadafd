package com.zeroui.kms.bench;

import com.zeroui.kms.app.KmsNode;
import com.zeroui.kms.app.DataDirectory;
import com.zeroui.kms.audit.ReceiptDraft;
import com.zeroui.kms.auth.CallerIdentity;
import com.zeroui.kms.crypto.CryptoSuite;
import com.zeroui.kms.crypto.SignatureAlgorithm;
import com.zeroui.kms.keys.Environment;
import com.zeroui.kms.keys.KeyMaterialCache;
import com.zeroui.kms.keys.KeyRecord;
import com.zeroui.kms.keys.ServiceKeys;
import com.zeroui.kms.store.JdbcKeyRepository;
import java.time.temporal.ChronoUnit;
import java.util.Set;
import com.zeroui.kms.audit.AuditRepository;
import com.zeroui.kms.audit.CanonicalJson;
import com.zeroui.kms.audit.MerkleFrontier;
import com.zeroui.kms.audit.MerkleHash;
import com.zeroui.kms.audit.ReceiptSigner;
import com.zeroui.kms.audit.TreeHeads;
import com.zeroui.kms.cli.Main;
import com.zeroui.kms.ops.KmsConfig;
import com.zeroui.kms.store.Database;
import com.zeroui.kms.store.JdbcAuditRepository;
import com.zeroui.kms.support.PostgresDatabases;
import com.zeroui.kms.support.TestNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Backup and restore at scale (issue 10 §1): a store of KEYS keys and RECEIPTS receipts (with their
 * Merkle nodes and a signed tree head every 10,000) is backed up, verified and restored through the
 * real command line, SQLite and PostgreSQL both ways, and a node is started on the restored store;
 * prints wall times and sizes. The store is filled directly (rows with the sizes and entropy of real
 * ones: random wrapped key material, receipts as the service writes them, signed by its receipt key), since making a million audited operations through the service would take half an hour
 * here. Not a test: run by hand (see BENCHMARKS.md "Backup and restore").
 */
public final class BackupBenchmark {
    private static final SecureRandom RANDOM = new SecureRandom();

    public static void main(String[] args) throws Exception {
        if (args.length == 4 && args[0].equals("fill")) {
            // only make the store (scripts/bench-backup.sh then times each command in its own JVM)
            fill(Path.of(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]));
            return;
        }
        int keys = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int receipts = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
        Path root = Files.createTempDirectory("kms-backup-bench-");
        List<String> rows = new ArrayList<>();
        try (PostgresDatabases.TempDatabase pg = PostgresDatabases.create("backup_bench");
             PostgresDatabases.TempDatabase pg2 = PostgresDatabases.create("backup_bench2")) {
            Path source = root.resolve("source");
            long t0 = System.nanoTime();
            fill(source, keys, receipts);
            System.out.printf("filled %d keys and %d receipts in %.1f s; kms.db %d MB; load average %.1f%n", keys, receipts,
                    secs(t0), Files.size(source.resolve("kms.db")) >> 20,
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            String masterKey = source.resolve("master.key").toString();

            Path sqliteBackup = root.resolve("sqlite.kmsbak");
            rows.add(row("backup create", "SQLite", sqliteBackup,
                    cli("backup", "create", "--data-dir", source.toString(), "--out", sqliteBackup.toString())));
            rows.add(row("backup verify", "SQLite backup", null,
                    cli("backup", "verify", sqliteBackup.toString(), "--master-key", masterKey)));
            Path restored = root.resolve("restored");
            rows.add(row("backup restore", "SQLite → SQLite", null, cli("backup", "restore", sqliteBackup.toString(),
                    "--data-dir", restored.toString(), "--master-key", masterKey)));
            long s0 = System.nanoTime();
            long c0 = cpuNanos();
            try (KmsNode node = KmsNode.start(KmsConfig.builder().dataDir(restored).port(0).build(), Clock.systemUTC())) {
                // includes the node's first self-check of the whole restored log (no checkpoint yet)
                rows.add(row("node start on the restored store", "SQLite", null,
                        new double[] {secs(s0), (cpuNanos() - c0) / 1e9}));
            }
            rows.add(row("backup restore", "SQLite → PostgreSQL", null, cli("backup", "restore", sqliteBackup.toString(),
                    "--data-dir", root.resolve("pg").toString(), "--database-url", pg.url(), "--database-user", pg.user(),
                    "--master-key", masterKey)));
            Path pgBackup = root.resolve("pg.kmsbak");
            rows.add(row("backup create", "PostgreSQL", pgBackup, cli("backup", "create", "--data-dir", root.resolve("pg").toString(),
                    "--database-url", pg.url(), "--database-user", pg.user(), "--out", pgBackup.toString())));
            rows.add(row("backup restore", "PostgreSQL → PostgreSQL", null, cli("backup", "restore", pgBackup.toString(),
                    "--data-dir", root.resolve("pg2").toString(), "--database-url", pg2.url(), "--database-user", pg2.user(),
                    "--master-key", masterKey)));
        } finally {
            TestNode.deleteTree(root);
        }
        System.out.println("| step | store | wall s | process CPU s | file MB |");
        System.out.println("|---|---|--:|--:|--:|");
        rows.forEach(System.out::println);
    }

    /** Wall and process CPU seconds of one command, run in this JVM. */
    private static double[] cli(String... args) {
        long cpu0 = cpuNanos();
        long t0 = System.nanoTime();
        int exit = Main.run(args);
        if (exit != 0) {
            throw new IllegalStateException(String.join(" ", args) + " exited with " + exit);
        }
        return new double[] {secs(t0), (cpuNanos() - cpu0) / 1e9};
    }

    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static String row(String step, String store, Path file, double[] seconds) throws java.io.IOException {
        String row = String.format("| %s | %s | %.1f | %.1f | %s |", step, store, seconds[0], seconds[1],
                file == null ? "—" : String.format("%.1f", Files.size(file) / 1048576.0));
        System.out.println("ROW " + row); // as it comes: a long run may be cut short
        return row;
    }

    private static double secs(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    /**
     * A store made by a real node (master key, CA, service keys), then filled directly: keys with random
     * wrapped material, and receipts signed by the node's receipt key (so the node's start-up log
     * self-check accepts them), their Merkle nodes, and a signed tree head every 10,000.
     */
    static void fill(Path dir, int keys, int receipts) throws Exception {
        KmsConfig config = KmsConfig.builder().dataDir(dir).port(0).build();
        KmsNode.start(config, Clock.systemUTC()).close();
        Clock clock = Clock.systemUTC();
        try (DataDirectory data = DataDirectory.open(config, clock)) {
            Database db = data.database();
            String masterKeyId = data.masterKey().keyId();
            try (Connection c = db.dataSource().getConnection()) {
                c.setAutoCommit(false);
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO kms_keys (key_id, tenant_id, environment, plane,"
                        + " key_type, key_usage, key_state, created_at, valid_from, rotation_count, allowed_modules,"
                        + " requires_approval, max_usage_per_day, created_by, public_key, wrapped_material, master_key_id)"
                        + " VALUES (?, ?, 'dev', 'tenant', ?, ?, 'active', ?, ?, 0, '', 0, 100000, ?, ?, ?, ?)")) {
                    long now = System.currentTimeMillis();
                    for (int i = 0; i < keys; i++) {
                        boolean signing = i % 2 == 0;
                        ps.setString(1, UUID.randomUUID().toString());
                        ps.setString(2, "tenant-" + (i % 100));
                        ps.setString(3, signing ? "Ed25519" : "AES-256");
                        ps.setString(4, signing ? "sign,verify" : "encrypt,decrypt");
                        ps.setLong(5, now);
                        ps.setLong(6, now);
                        ps.setString(7, "spiffe://zeroui.local/tenant/tenant-" + (i % 100) + "/module/M21");
                        ps.setBytes(8, signing ? random(44) : null);
                        ps.setBytes(9, random(signing ? 77 : 61)); // 0x01 || nonce || sealed PKCS#8 or raw key || tag
                        ps.setString(10, masterKeyId);
                        ps.addBatch();
                        if (i % 1000 == 999) {
                            ps.executeBatch();
                        }
                    }
                    ps.executeBatch();
                }
                c.commit();
            }
            CryptoSuite crypto = CryptoSuite.select(CryptoSuite.Preference.AUTO);
            JdbcKeyRepository keyRepository = new JdbcKeyRepository(db);
            KeyRecord receiptKey = keyRepository.findByAlias(CallerIdentity.GLOBAL_TENANT, Environment.PROD,
                    KmsNode.RECEIPT_KEY_ALIAS).orElseThrow();
            ServiceKeys serviceKeys = new ServiceKeys(keyRepository, new KeyMaterialCache(data.masterKey(), crypto, 16), crypto,
                    clock, masterKeyId);
            ReceiptSigner signer = ReceiptSigner.of(receiptKey.keyId(), serviceKeys.signer(receiptKey, SignatureAlgorithm.EDDSA));
            JdbcAuditRepository audit = new JdbcAuditRepository(db);
            TreeHeads heads = new TreeHeads(audit, signer, clock);
            MerkleFrontier[] frontier = {null};
            int batch = 5_000;
            for (int written = 0; written < receipts; written += batch) {
                int n = Math.min(batch, receipts - written);
                audit.append(n, first -> {
                    if (frontier[0] == null || frontier[0].size() != first) {
                        frontier[0] = MerkleFrontier.load(first, audit);
                    }
                    List<AuditRepository.ReceiptRow> rows = new ArrayList<>(n);
                    List<MerkleFrontier.Node> nodes = new ArrayList<>();
                    for (int i = 0; i < n; i++) {
                        long index = first + i;
                        ReceiptDraft draft = draft(index);
                        Map<String, Object> content = draft.content(index, signer.keyId());
                        content.put("signature", Base64.getEncoder().encodeToString(signer.sign(CanonicalJson.bytes(content))));
                        String json = CanonicalJson.string(content);
                        nodes.addAll(frontier[0].append(MerkleHash.leaf(json.getBytes(StandardCharsets.UTF_8))));
                        rows.add(new AuditRepository.ReceiptRow(index, draft.receiptId(), draft.ts(), draft.tenantId(),
                                draft.keyId(), draft.operation(), draft.success(), json));
                    }
                    return new AuditRepository.Batch(rows, nodes, List.of());
                });
                if ((written + n) % 10_000 == 0) {
                    heads.signIfGrown();
                }
            }
            heads.signIfGrown();
        }
    }

    /** A sign receipt as the service writes one. */
    private static ReceiptDraft draft(long index) {
        String tenant = "tenant-" + (index % 100);
        CallerIdentity caller = new CallerIdentity("M21", tenant, Set.of(), "spiffe://zeroui.local/tenant/" + tenant + "/module/M21");
        return new ReceiptDraft(UUID.randomUUID().toString(), Instant.now().truncatedTo(ChronoUnit.MILLIS), tenant, "dev",
                "tenant", "signature_created", "sign", UUID.randomUUID().toString(), "EdDSA", 256, true, null, caller,
                "sha256:" + java.util.HexFormat.of().formatHex(random(32)));
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }
}
