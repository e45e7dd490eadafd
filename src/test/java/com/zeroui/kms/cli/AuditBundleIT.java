package com.zeroui.kms.cli;

import static com.zeroui.kms.support.ErrorResponseAssert.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zeroui.kms.audit.CanonicalJson;
import com.zeroui.kms.support.CliRun;
import com.zeroui.kms.support.KmsClient;
import com.zeroui.kms.support.TestNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kms audit export} and {@code kms audit verify} over the receipt log of a real node: an
 * export taken while the node serves requests verifies, an untouched log verifies after the node
 * stopped, and tampering done directly in the SQLite database — an altered receipt, a deleted one,
 * two reordered, a forged one, a truncated tail — makes verify fail naming the first bad index.
 * Each tampering starts from its own copy of the stopped node's data directory.
 */
class AuditBundleIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String T = "tenant-a";

    @TempDir
    static Path tmp;

    static Path pristine;
    /** The receipt keys as the running node published them. */
    static Path publishedKeys;
    /** Receipts in the stopped node's log, and the sizes at which tree heads were fetched. */
    static long logSize;
    static long firstHead;
    static long secondHead;
    static CliRun liveExport;
    static CliRun liveVerify;
    static long liveSizeBefore;
    static int signsDuringExport;
    static int failedSigns;

    @BeforeAll
    static void runNodeAndStopIt() throws Exception {
        pristine = tmp.resolve("data");
        publishedKeys = tmp.resolve("receipt-keys.json");
        try (TestNode node = TestNode.startIn(pristine, UnaryOperator.identity(), false)) {
            KmsClient m21 = node.client("M21", T);
            KmsClient m22 = node.client("M22", "tenant-b");
            KmsClient admin = node.admin();
            operations(m21, m22);
            firstHead = treeHeadSize(admin);
            operations(m21, m22);
            secondHead = treeHeadSize(admin);
            assertThat(secondHead).isGreaterThan(firstHead);
            KmsClient.Response keys = m21.get("/audit/receipt-keys");
            assertThat(keys.status()).as(keys.body()).isEqualTo(200);
            Files.writeString(publishedKeys, keys.body());

            // export from the running node's data directory while another client keeps appending receipts
            liveSizeBefore = countRows("kms_audit_receipts", pristine);
            String key = created(m21.createKey(T, "Ed25519", "sign", "verify"));
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger done = new AtomicInteger();
            AtomicInteger failed = new AtomicInteger();
            Thread load = new Thread(() -> {
                while (!stop.get()) {
                    if (m21.sign(T, key, new byte[] {(byte) done.get()}, null).status() != 200) {
                        failed.incrementAndGet();
                    }
                    done.incrementAndGet();
                }
            });
            load.start();
            Path liveBundle = tmp.resolve("live.json");
            try {
                int before = done.get();
                liveExport = CliRun.run("audit", "export", "--out", liveBundle.toString(), "--data-dir", pristine.toString());
                signsDuringExport = done.get() - before;
            } finally {
                stop.set(true);
                load.join(30_000);
            }
            failedSigns = failed.get();
            liveVerify = CliRun.run("audit", "verify", liveBundle.toString());
        }
        logSize = countRows("kms_audit_receipts", pristine);
        assertThat(logSize).as("dozens of receipts before any tampering").isGreaterThanOrEqualTo(40);
    }

    /** A mix of successes and failures; every one of them leaves a receipt. */
    private static void operations(KmsClient m21, KmsClient m22) {
        String ed = created(m21.createKey(T, "Ed25519", "sign", "verify"));
        String aes = created(m21.createKey(T, "AES-256", "encrypt", "decrypt"));
        for (int i = 0; i < 4; i++) {
            byte[] data = ("message " + i).getBytes(StandardCharsets.UTF_8);
            KmsClient.Response signed = m21.sign(T, ed, data, null);
            assertThat(signed.status()).as(signed.body()).isEqualTo(200);
            assertThat(m21.verify(T, ed, data, signed.text("signature"), null).json().get("valid").asBoolean()).isTrue();
            assertThat(m21.verify(T, ed, new byte[] {9}, signed.text("signature"), null).json().get("valid").asBoolean())
                    .isFalse();
            KmsClient.Response enc = m21.encrypt(T, aes, data, null, null);
            assertThat(enc.status()).as(enc.body()).isEqualTo(200);
            assertThat(m21.decrypt(T, aes, enc.text("ciphertext"), enc.text("iv"), null, null).status()).isEqualTo(200);
        }
        assertError(m21.sign(T, UUID.randomUUID().toString(), new byte[] {1}, null), 404, "KEY_NOT_FOUND");
        assertThat(m22.sign(T, ed, new byte[] {1}, null).status()).isEqualTo(403);
        assertThat(m22.createKey(T, "Ed25519", "sign").status()).isEqualTo(403);
        assertError(m21.sign(T, aes, new byte[] {1}, null), 400, "INVALID_REQUEST");
    }

    private static String created(KmsClient.Response r) {
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.text("key_id");
    }

    private static long treeHeadSize(KmsClient admin) {
        KmsClient.Response head = admin.get("/audit/tree-head");
        assertThat(head.status()).as(head.body()).isEqualTo(200);
        return head.json().get("tree_size").asLong();
    }

    // ---- untouched ----------------------------------------------------------------------------

    @Test
    void exportTakenWhileTheNodeServesRequestsVerifies() {
        assertThat(liveExport.exitCode()).as(liveExport.err()).isZero();
        assertThat(signsDuringExport).as("receipts were appended while exporting").isPositive();
        assertThat(failedSigns).isZero();
        assertThat(liveVerify.exitCode()).as(liveVerify.err()).isZero();
        Matcher summary = Pattern.compile("verified (\\d+) receipts, (\\d+) tree heads").matcher(liveVerify.out());
        assertThat(summary.find()).as(liveVerify.out()).isTrue();
        assertThat(Long.parseLong(summary.group(1))).isBetween(liveSizeBefore, logSize);
        assertThat(Integer.parseInt(summary.group(2))).isGreaterThanOrEqualTo(2);
    }

    @Test
    void untouchedLogVerifiesOffline() throws Exception {
        Path bundle = tmp.resolve("untouched.json");
        CliRun export = CliRun.run("audit", "export", "--out", bundle.toString(), "--data-dir", pristine.toString());
        assertThat(export.exitCode()).as(export.err()).isZero();
        assertThat(export.out()).contains("exported " + logSize + " receipts");

        CliRun verify = CliRun.run("audit", "verify", bundle.toString());
        assertThat(verify.exitCode()).as(verify.err()).isZero();
        assertThat(verify.out()).contains("verified " + logSize + " receipts, " + countRows("kms_audit_tree_heads", pristine)
                + " tree heads").contains("taken from the bundle");

        CliRun pinned = CliRun.run("audit", "verify", "--trusted-keys", publishedKeys.toString(), bundle.toString());
        assertThat(pinned.exitCode()).as(pinned.err()).isZero();
        assertThat(pinned.out()).contains("verified " + logSize + " receipts").contains(", trusted)");
    }

    // ---- tampered in the database -------------------------------------------------------------

    @Test
    void alteredReceiptIsNamed() throws Exception {
        assertTamperingDetected("altered", db -> {
            Map<String, Object> receipt = receipt(db, 7);
            @SuppressWarnings("unchecked")
            Map<String, Object> context = (Map<String, Object>) receipt.get("kms_context");
            context.put("success", !(Boolean) context.get("success"));
            update(db, "UPDATE kms_audit_receipts SET receipt_json = ? WHERE log_index = 7", CanonicalJson.string(receipt));
        }, "index 7: signature does not verify");
    }

    @Test
    void deletedReceiptIsNamed() throws Exception {
        assertTamperingDetected("deleted", db -> update(db, "DELETE FROM kms_audit_receipts WHERE log_index = 12"),
                "index 12: expected log_index 12, found 13");
    }

    @Test
    void reorderedReceiptsAreNamedAtTheFirstOfThem() throws Exception {
        assertTamperingDetected("reordered", db -> {
            String at20 = json(db, 20);
            String at25 = json(db, 25);
            update(db, "UPDATE kms_audit_receipts SET receipt_json = ? WHERE log_index = 20", at25);
            update(db, "UPDATE kms_audit_receipts SET receipt_json = ? WHERE log_index = 25", at20);
        }, "index 20: expected log_index 20, found 25");
    }

    @Test
    void forgedReceiptAppendedWithTheHeadCounterBumpedIsNamed() throws Exception {
        long index = logSize;
        assertTamperingDetected("forged-appended", db -> {
            Map<String, Object> forged = forge(receipt(db, logSize - 1), index);
            try (PreparedStatement ps = db.prepareStatement("INSERT INTO kms_audit_receipts (log_index, receipt_id, ts, "
                    + "tenant_id, key_id, operation, success, receipt_json) VALUES (?,?,?,?,?,?,?,?)")) {
                ps.setLong(1, index);
                ps.setString(2, (String) forged.get("receipt_id"));
                ps.setLong(3, System.currentTimeMillis());
                ps.setString(4, (String) forged.get("tenant_id"));
                ps.setString(5, null);
                ps.setString(6, (String) forged.get("operation"));
                ps.setInt(7, 1);
                ps.setString(8, CanonicalJson.string(forged));
                ps.executeUpdate();
            }
            update(db, "UPDATE kms_audit_head SET tree_size = tree_size + 1");
        }, "index " + index + ": signature does not verify");
    }

    @Test
    void forgedReceiptReplacingAStoredOneIsNamed() throws Exception {
        assertTamperingDetected("forged-replacing", db -> update(db,
                "UPDATE kms_audit_receipts SET receipt_json = ? WHERE log_index = 9",
                CanonicalJson.string(forge(receipt(db, 9), 9))), "index 9: signature does not verify");
    }

    @Test
    void truncatedTailUnderASignedHeadIsNamedByThatHead() throws Exception {
        long keep = secondHead - 1;
        assertTamperingDetected("truncated", db -> {
            update(db, "DELETE FROM kms_audit_receipts WHERE log_index >= " + keep);
            update(db, "UPDATE kms_audit_head SET tree_size = " + keep);
        }, "tree head " + secondHead + ": beyond the end of the log (" + keep + " receipts)");
    }

    // ---- helpers ------------------------------------------------------------------------------

    private interface Tampering {
        void apply(Connection db) throws Exception;
    }

    /** Copies the stopped node's data, tampers with its database, exports and expects verify to fail with {@code message}. */
    private static void assertTamperingDetected(String name, Tampering tampering, String message) throws Exception {
        Path copy = copyOfPristine(name);
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + copy.resolve("kms.db"))) {
            tampering.apply(db);
        }
        Path bundle = tmp.resolve(name + ".json");
        CliRun export = CliRun.run("audit", "export", "--out", bundle.toString(), "--data-dir", copy.toString());
        assertThat(export.exitCode()).as(export.err()).isZero();

        CliRun verify = CliRun.run("audit", "verify", bundle.toString());
        assertThat(verify.exitCode()).as(verify.out() + verify.err()).isEqualTo(1);
        assertThat(verify.err()).contains("does not verify: " + message);
        assertThat(verify.out()).isEmpty();
    }

    private static Path copyOfPristine(String name) throws IOException {
        Path copy = tmp.resolve("copy-" + name);
        try (var files = Files.walk(pristine)) {
            for (Path source : (Iterable<Path>) files::iterator) {
                Path target = copy.resolve(pristine.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    // a data directory is the owner's alone (0700), or the tools refuse it
                    Files.createDirectories(target);
                    Files.setPosixFilePermissions(target, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
                } else {
                    // keeps the master key's 0600
                    Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        return copy;
    }

    private static long countRows(String table, Path dataDir) {
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("kms.db"));
             Statement s = db.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String json(Connection db, long index) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement("SELECT receipt_json FROM kms_audit_receipts WHERE log_index = ?")) {
            ps.setLong(1, index);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as("receipt %d exists", index).isTrue();
                return rs.getString(1);
            }
        }
    }

    private static Map<String, Object> receipt(Connection db, long index) throws SQLException, IOException {
        return JSON.readValue(json(db, index), new TypeReference<LinkedHashMap<String, Object>>() {
        });
    }

    private static void update(Connection db, String sql, String... args) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setString(i + 1, args[i]);
            }
            assertThat(ps.executeUpdate()).as(sql).isPositive();
        }
    }

    /**
     * A well-formed receipt at {@code index} naming the real receipt key, but signed with another
     * Ed25519 key: what someone with database access and no access to the receipt key can produce.
     */
    private static Map<String, Object> forge(Map<String, Object> template, long index) {
        Map<String, Object> forged = new LinkedHashMap<>(template);
        forged.remove("signature");
        forged.put("log_index", index);
        forged.put("receipt_id", UUID.randomUUID().toString());
        forged.put("operation", "sign");
        try {
            PrivateKey other = KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPrivate();
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(other);
            s.update(CanonicalJson.bytes(forged));
            forged.put("signature", Base64.getEncoder().encodeToString(s.sign()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        return forged;
    }
}
