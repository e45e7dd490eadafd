package com.zeroui.kms.cli;

import static com.zeroui.kms.support.ErrorResponseAssert.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zeroui.kms.audit.AuditSealer;
import com.zeroui.kms.audit.CanonicalJson;
import com.zeroui.kms.audit.MerkleHash;
import com.zeroui.kms.audit.MerkleTree;
import com.zeroui.kms.ops.KmsConfig;
import com.zeroui.kms.ops.LifecycleConfig;
import com.zeroui.kms.support.CliRun;
import com.zeroui.kms.support.KmsClient;
import com.zeroui.kms.support.PostgresDatabases;
import com.zeroui.kms.support.TestNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Retention end to end, on SQLite and on PostgreSQL: a node serves requests; {@code kms audit seal}
 * archives the oldest receipts while it runs; {@code kms audit verify} checks the archive offline
 * with the published receipt keys; the API answers a sealed receipt from the node's archive store
 * with a proof into the archive's signed head, searches archives and the live log alike, refuses to
 * delete an archive inside its retention, and keeps serving proofs; the node goes on appending, a second seal (by date) follows, the node restarts on the
 * smaller store and goes on; and the archives plus an export of the live log verify as one log.
 * Copies of the archives altered in a few ways fail naming the first bad index.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(AuditSealIT.Backend.class)
class AuditSealIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String T = "tenant-a";

    enum Backend { SQLITE, POSTGRESQL }

    @Parameter(0)
    Backend backend;

    @TempDir
    Path tmp;

    PostgresDatabases.TempDatabase pg;

    @AfterEach
    void dropDatabase() {
        if (pg != null) {
            pg.close();
        }
    }

    @Test
    void sealWhileServingVerifyOfflineKeepServingRestartAndVerifyTheChain() throws Exception {
        Path data = tmp.resolve("data");
        Path archives = data.resolve(LifecycleConfig.DEFAULT_ARCHIVE_DIR_NAME); // the node's archive store
        Path keys = tmp.resolve("receipt-keys.json");
        if (backend == Backend.POSTGRESQL) {
            pg = PostgresDatabases.create("AuditSealIT");
        }
        UnaryOperator<KmsConfig.Builder> store = pg == null ? UnaryOperator.identity() : cfg -> cfg.database(pg.url(), pg.user(), pg.password());
        List<String> storeArgs = new ArrayList<>(List.of("--data-dir", data.toString()));
        if (pg != null) {
            storeArgs.addAll(List.of("--database-url", pg.url(), "--database-user", pg.user()));
        }

        Path first;
        Path second;
        long firstEnd;
        long secondEnd;
        List<String> early;
        try (TestNode node = TestNode.startIn(data, store, false)) {
            KmsClient m21 = node.client("M21", T);
            KmsClient admin = node.admin();
            Files.writeString(keys, m21.get("/audit/receipt-keys").body());
            early = operations(m21);
            firstEnd = admin.get("/audit/tree-head").json().get("tree_size").asLong();
            long receiptsBefore = countReceipts();

            // 1. seal while the node serves
            CliRun seal = cli(storeArgs, "audit", "seal", "--before", Long.toString(firstEnd));
            assertThat(seal.exitCode()).as(seal.err()).isZero();
            first = archives.resolve(AuditSealer.archiveName(0, firstEnd));
            assertThat(seal.out()).contains("sealed log indices 0 to " + (firstEnd - 1) + " (" + firstEnd + " receipts) into "
                    + first.toAbsolutePath()).contains("removed from the live store: " + firstEnd + " receipts");
            assertThat(countReceipts()).as("the live table shrank").isEqualTo(receiptsBefore - firstEnd + 1);

            // 2. the archive verifies offline, alone, with the keys the service published
            CliRun verify = CliRun.run("audit", "verify", "--trusted-keys", keys.toString(), first.toString());
            assertThat(verify.exitCode()).as(verify.err()).isZero();
            assertThat(verify.out()).contains("verified " + firstEnd + " receipts").contains(", trusted)");

            // 3. the API: a sealed receipt comes from its archive with a proof into the head at the archive's end
            KmsClient.Response sealedReceipt = m21.get("/receipts/" + early.get(0));
            assertThat(sealedReceipt.status()).as(sealedReceipt.body()).isEqualTo(200);
            JsonNode archived = sealedReceipt.json();
            assertThat(archived.get("receipt").get("receipt_id").asText()).isEqualTo(early.get(0));
            assertThat(archived.get("archive").get("archive_file").asText()).isEqualTo(first.getFileName().toString());
            assertThat(archived.get("archive").get("archive_sha256").asText()).isEqualTo(sha256(first));
            assertThat(archived.get("signed_tree_head").get("tree_size").asLong()).isEqualTo(firstEnd);
            assertThat(archived.get("archive").get("root_hash").asText())
                    .isEqualTo(archived.get("signed_tree_head").get("root_hash").asText());
            assertInclusionProofVerifies(archived);
            assertError(node.client("M9", "tenant-b").get("/receipts/" + early.get(0)), 404, "INVALID_REQUEST");
            // search: archived receipts first, then the live log, one cursor across both
            JsonNode page = admin.get("/audit/receipts?limit=1").json();
            assertThat(page.get("sealed_up_to").get("log_index").asLong()).isEqualTo(firstEnd);
            assertThat(page.get("receipts").get(0).get("log_index").asLong()).isZero();
            page = admin.get("/audit/receipts?limit=1&cursor=" + (firstEnd - 1)).json();
            assertThat(page.get("receipts").get(0).get("log_index").asLong()).isEqualTo(firstEnd);
            assertThat(page.get("receipts").get(0).get("receipt").get("operation").asText()).isEqualTo(AuditSealer.OPERATION);
            // retention: listed with the date it may go, and refused (and audited) before that
            JsonNode listed = admin.get("/audit/archives").json();
            assertThat(listed.get("retention").asText()).isEqualTo("P7Y");
            assertThat(listed.get("archives").get(0).get("deletable").asBoolean()).isFalse();
            KmsClient.Response early7y = admin.raw("DELETE", "/audit/archives/" + first.getFileName(), null, null);
            JsonNode refusal = assertError(early7y, 403, "POLICY_VIOLATION");
            assertThat(refusal.get("details").get("retained_until").asText())
                    .isEqualTo(listed.get("archives").get(0).get("retained_until").asText());
            assertThat(refusal.get("details").get("receipt_id").asText()).as("the refusal is audited").isNotBlank();
            assertThat(first).exists();
            assertError(m21.get("/audit/archives"), 403, "UNAUTHORIZED");

            // 4. the node goes on: indices continue, proofs verify, consistency from the sealed end works
            List<String> later = operations(m21);
            JsonNode proof = m21.get("/receipts/" + later.get(2)).json();
            assertThat(proof.get("log_index").asLong()).isGreaterThan(firstEnd);
            assertInclusionProofVerifies(proof);
            assertError(admin.get("/audit/consistency?first=" + (firstEnd - 1) + "&second=" + firstEnd), 400, "INVALID_REQUEST");
            JsonNode head = admin.get("/audit/tree-head").json();
            KmsClient.Response consistency = admin.get("/audit/consistency?first=" + firstEnd + "&second="
                    + head.get("tree_size").asLong());
            assertThat(consistency.status()).as(consistency.body()).isEqualTo(200);
            String rootAtFirstEnd = JSON.readTree(first.toFile()).get("tree_heads").get(JSON.readTree(first.toFile())
                    .get("tree_heads").size() - 1).get("root_hash").asText();
            assertThat(MerkleTree.verifyConsistency(firstEnd, head.get("tree_size").asLong(), hex(rootAtFirstEnd),
                    hex(head.get("root_hash").asText()), hexes(consistency.json().get("hashes")))).isTrue();

            // 5. a second seal, by date: everything stamped before the cut
            Thread.sleep(20);
            Instant cut = Instant.now();
            Thread.sleep(20);
            operations(m21);
            CliRun bydate = cli(storeArgs, "audit", "seal", "--before", cut.toString());
            assertThat(bydate.exitCode()).as(bydate.err()).isZero();
            secondEnd = node.admin().get("/audit/receipts?limit=1").json().get("sealed_up_to").get("log_index").asLong();
            second = archives.resolve(AuditSealer.archiveName(firstEnd, secondEnd));
            assertThat(second).exists();
            assertThat(secondEnd).isGreaterThan(proof.get("log_index").asLong());
            JsonNode liveFirst = admin.get("/audit/receipts?limit=1&cursor=" + (secondEnd - 1)).json().get("receipts").get(0)
                    .get("receipt");
            assertThat(Instant.parse(liveFirst.get("ts").asText())).isAfterOrEqualTo(cut);
        }

        // 6. a restart on the smaller store: the node goes on with the right indices and proofs
        try (TestNode node = TestNode.startIn(data, store, false)) {
            KmsClient m21 = node.client("M21", T);
            List<String> afterRestart = operations(m21);
            JsonNode proof = m21.get("/receipts/" + afterRestart.get(0)).json();
            assertThat(proof.get("log_index").asLong()).isGreaterThan(secondEnd);
            assertInclusionProofVerifies(proof);
            JsonNode fromArchive = m21.get("/receipts/" + early.get(3)).json();
            assertThat(fromArchive.get("archive").get("archive_file").asText()).isEqualTo(first.getFileName().toString());
            assertInclusionProofVerifies(fromArchive);

            // 7. archives + an export of the live log taken while the node runs are one log
            Path live = tmp.resolve("live.json");
            CliRun export = cli(storeArgs, "audit", "export", "--out", live.toString());
            assertThat(export.exitCode()).as(export.err()).isZero();
            CliRun chain = CliRun.run("audit", "verify", "--trusted-keys", keys.toString(), first.toString(), second.toString(),
                    live.toString());
            assertThat(chain.exitCode()).as(chain.err()).isZero();
            long size = JSON.readTree(live.toFile()).get("tree_size").asLong();
            assertThat(chain.out()).contains("verified " + size + " receipts").contains("in 3 files, log indices 0 to " + (size - 1))
                    .contains("2 archive(s) confirmed by their audit_sealed receipts");
            assertThat(countReceipts()).as("the live table holds only what follows the seals").isEqualTo(size - secondEnd);

            // leaving an archive out is caught
            CliRun gap = CliRun.run("audit", "verify", first.toString(), live.toString());
            assertThat(gap.exitCode()).isEqualTo(1);
            assertThat(gap.err()).contains("does not verify: starts at index " + secondEnd + ", but " + first.getFileName()
                    + " ends at index " + firstEnd + " (an archive is missing)");
        }

        // 8. tampering with archives in cold storage is named by index
        assertTamperingNamed(first, "altered", a -> {
            ObjectNode context = (ObjectNode) receipts(a).get(5).get("kms_context");
            context.put("success", !context.get("success").asBoolean());
        }, "index 5: signature does not verify");
        assertTamperingNamed(first, "deleted", a -> receipts(a).remove(3), "index 3: expected log_index 3, found 4");
        assertTamperingNamed(second, "reordered", a -> {
            JsonNode x = receipts(a).get(1);
            receipts(a).set(1, receipts(a).get(2));
            receipts(a).set(2, x);
        }, "index " + (firstEnd + 1) + ": expected log_index " + (firstEnd + 1) + ", found " + (firstEnd + 2));
        assertTamperingNamed(second, "frontier", a -> ((ObjectNode) a.get("start_frontier").get(0)).put("hash", "00".repeat(32)),
                "tree head " + firstEnd + ": root mismatch");
    }

    // ---- helpers ------------------------------------------------------------------------------

    private interface Edit {
        void apply(ObjectNode archive);
    }

    private void assertTamperingNamed(Path archive, String name, Edit edit, String problem) throws Exception {
        ObjectNode copy = (ObjectNode) JSON.readTree(archive.toFile());
        edit.apply(copy);
        Path file = tmp.resolve(name + "-" + archive.getFileName());
        Files.writeString(file, JSON.writeValueAsString(copy));
        CliRun verify = CliRun.run("audit", "verify", file.toString());
        assertThat(verify.exitCode()).as(verify.out() + verify.err()).isEqualTo(1);
        assertThat(verify.err()).contains("audit archive " + file + " does not verify: " + problem);
    }

    private static ArrayNode receipts(ObjectNode archive) {
        return (ArrayNode) archive.get("receipts");
    }

    private static CliRun cli(List<String> storeArgs, String... args) {
        return CliRun.run(Stream.concat(Stream.of(args), storeArgs.stream()).toArray(String[]::new));
    }

    /** Sign, verify and a refused sign: the receipt ids, in order. */
    private static List<String> operations(KmsClient m21) {
        KmsClient.Response created = m21.createKey(T, "Ed25519", "sign", "verify");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String key = created.text("key_id");
        List<String> ids = new ArrayList<>(List.of(created.text("receipt_id")));
        for (int i = 0; i < 3; i++) {
            byte[] data = ("message " + i).getBytes(StandardCharsets.UTF_8);
            KmsClient.Response signed = m21.sign(T, key, data, null);
            assertThat(signed.status()).as(signed.body()).isEqualTo(200);
            ids.add(signed.text("receipt_id"));
            KmsClient.Response verified = m21.verify(T, key, data, signed.text("signature"), null);
            assertThat(verified.json().get("valid").asBoolean()).isTrue();
            ids.add(verified.text("receipt_id"));
        }
        JsonNode refused = assertError(m21.sign(T, UUID.randomUUID().toString(), new byte[] {1}, null), 404, "KEY_NOT_FOUND");
        ids.add(refused.get("details").get("receipt_id").asText());
        return ids;
    }

    private static void assertInclusionProofVerifies(JsonNode proof) {
        LinkedHashMap<String, Object> receipt = JSON.convertValue(proof.get("receipt"), new TypeReference<>() {
        });
        byte[] leaf = MerkleHash.leaf(CanonicalJson.bytes(receipt));
        JsonNode inclusion = proof.get("inclusion_proof");
        JsonNode head = proof.get("signed_tree_head");
        assertThat(MerkleTree.verifyInclusion(leaf, inclusion.get("leaf_index").asLong(), inclusion.get("tree_size").asLong(),
                hexes(inclusion.get("hashes")), hex(head.get("root_hash").asText()))).as(proof.toString()).isTrue();
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }

    private static List<byte[]> hexes(JsonNode array) {
        List<byte[]> out = new ArrayList<>();
        array.forEach(h -> out.add(hex(h.asText())));
        return out;
    }

    private long countReceipts() throws SQLException {
        try (Connection db = pg != null ? pg.connect() : DriverManager.getConnection("jdbc:sqlite:" + tmp.resolve("data/kms.db"));
             Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM kms_audit_receipts")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
