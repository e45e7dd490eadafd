package com.zeroui.kms.audit;

import static com.zeroui.kms.support.ErrorResponseAssert.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zeroui.kms.support.KmsClient;
import com.zeroui.kms.support.TestNode;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every operation leaves a signed receipt before it answers; a receipt, its inclusion proof and
 * the signed tree head verify with the published receipt key alone.
 */
class AuditApiIT {
    static TestNode node;
    static KmsClient alice;
    static KmsClient bob;
    static PublicKey receiptKey;
    static String receiptKeyId;

    @BeforeAll
    static void start() throws Exception {
        node = TestNode.start();
        alice = node.client("M21", "tenant-a");
        bob = node.client("M21", "tenant-b");
        JsonNode keys = alice.get("/audit/receipt-keys").json().get("keys");
        assertThat(keys).hasSize(1);
        receiptKeyId = keys.get(0).get("key_id").asText();
        String pem = keys.get(0).get("public_key").asText().replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        receiptKey = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(pem)));
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void successfulOperationsCarryAVerifiableReceipt() throws Exception {
        KmsClient.Response created = alice.createKey("tenant-a", "Ed25519", "sign", "verify");
        String keyId = created.text("key_id");
        KmsClient.Response signed = alice.sign("tenant-a", keyId, "payload".getBytes(StandardCharsets.UTF_8), null);
        for (KmsClient.Response r : List.of(created, signed)) {
            String receiptId = r.text("receipt_id");
            assertThat(receiptId).isNotBlank();
            assertThat(r.headers().get("x-kms-receipt-id")).containsExactly(receiptId);
        }
        JsonNode proof = alice.get("/receipts/" + signed.text("receipt_id")).json();
        JsonNode receipt = proof.get("receipt");
        assertThat(receipt.get("operation").asText()).isEqualTo("signature_created");
        assertThat(receipt.get("module").asText()).isEqualTo("KMS");
        assertThat(receipt.get("tenant_id").asText()).isEqualTo("tenant-a");
        assertThat(receipt.get("requesting_module").asText()).isEqualTo("M21");
        JsonNode ctx = receipt.get("kms_context");
        assertThat(ctx.get("key_id").asText()).isEqualTo(keyId);
        assertThat(ctx.get("operation_type").asText()).isEqualTo("sign");
        assertThat(ctx.get("algorithm").asText()).isEqualTo("EdDSA");
        assertThat(ctx.get("key_size_bits").asInt()).isEqualTo(256);
        assertThat(ctx.get("success").asBoolean()).isTrue();
        assertThat(ctx.get("error_code").isNull()).isTrue();
        assertThat(receipt.get("request_digest").asText()).startsWith("sha256:");
        assertThat(receipt.get("receipt_key_id").asText()).isEqualTo(receiptKeyId);

        assertThat(verifyReceiptSignature(receipt)).isTrue();
        assertThat(verifyInclusion(proof)).isTrue();
        assertThat(verifyTreeHead(proof.get("signed_tree_head"))).isTrue();

        // tampering with the receipt breaks both its signature and its inclusion proof
        Map<String, Object> altered = asMap(receipt);
        altered.put("tenant_id", "tenant-b");
        JsonNode alteredNode = KmsClient.JSON.valueToTree(altered);
        assertThat(verifyReceiptSignature(alteredNode)).isFalse();
        JsonNode tamperedProof = ((ObjectNode) proof.deepCopy()).set("receipt", alteredNode);
        assertThat(verifyInclusion(tamperedProof)).isFalse();
    }

    @Test
    void failuresLeaveReceiptsWithTheErrorCode() {
        String bobsKey = bob.createKey("tenant-b", "Ed25519", "sign").text("key_id");
        KmsClient m27 = node.client("M27", "tenant-b");
        var cases = Map.of(
                "UNAUTHORIZED", alice.sign("tenant-b", bobsKey, new byte[] {1}, null),
                "KEY_NOT_FOUND", alice.sign("tenant-a", bobsKey, new byte[] {1}, null),
                "POLICY_VIOLATION", m27.sign("tenant-b", bobsKey, new byte[] {1}, null));
        cases.forEach((code, response) -> {
            JsonNode error = response.json();
            assertThat(error.get("code").asText()).isEqualTo(code);
            String receiptId = error.get("details").get("receipt_id").asText();
            assertThat(response.headers().get("x-kms-receipt-id")).containsExactly(receiptId);
            JsonNode receipt = node.admin().get("/receipts/" + receiptId).json().get("receipt");
            assertThat(receipt.get("kms_context").get("success").asBoolean()).isFalse();
            assertThat(receipt.get("kms_context").get("error_code").asText()).isEqualTo(code);
        });
        // a request that never reaches an operation (malformed) leaves no receipt
        KmsClient.Response malformed = alice.post("/sign", "{\"tenant_id\":");
        assertError(malformed, 400, "INVALID_REQUEST");
        assertThat(malformed.headers().get("x-kms-receipt-id")).isNull();
    }

    @Test
    void decryptionFailureReceiptCarriesNoSecrets() {
        String aes = alice.createKey("tenant-a", "AES-256", "encrypt", "decrypt").text("key_id");
        byte[] plaintext = "top secret plaintext".getBytes(StandardCharsets.UTF_8);
        KmsClient.Response enc = alice.encrypt("tenant-a", aes, plaintext, null, null);
        KmsClient.Response bad = alice.decrypt("tenant-a", aes, enc.text("ciphertext"),
                Base64.getEncoder().encodeToString(new byte[12]), null, null);
        assertError(bad, 400, "INVALID_REQUEST");
        String receiptJson = alice.get("/receipts/" + bad.json().get("details").get("receipt_id").asText()).body();
        assertThat(receiptJson).doesNotContain(enc.text("ciphertext")).doesNotContain("top secret")
                .doesNotContain(Base64.getEncoder().encodeToString(plaintext));
        String encryptReceipt = alice.get("/receipts/" + enc.text("receipt_id")).body();
        assertThat(encryptReceipt).doesNotContain(Base64.getEncoder().encodeToString(plaintext))
                .doesNotContain(enc.text("ciphertext"));
    }

    @Test
    void receiptsAreTenantScopedAndSearchable() {
        String key = alice.createKey("tenant-a", "Ed25519", "sign", "verify").text("key_id");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(alice.sign("tenant-a", key, new byte[] {(byte) i}, null).text("receipt_id"));
        }
        assertError(bob.get("/receipts/" + ids.get(0)), 404, "INVALID_REQUEST");
        assertThat(node.admin().get("/receipts/" + ids.get(0)).status()).isEqualTo(200);

        List<String> found = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode page = alice.get("/audit/receipts?key_id=" + key + "&operation=signature_created&limit=2"
                    + (cursor == null ? "" : "&cursor=" + cursor)).json();
            page.get("receipts").forEach(r -> found.add(r.get("receipt").get("receipt_id").asText()));
            cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").asText();
        } while (cursor != null);
        assertThat(found).containsExactlyElementsOf(ids);
        assertThat(bob.get("/audit/receipts?key_id=" + key).json().get("receipts")).isEmpty();
        assertError(bob.get("/audit/receipts?tenant_id=tenant-a"), 403, "UNAUTHORIZED");
        assertThat(node.admin().get("/audit/receipts?tenant_id=tenant-a&key_id=" + key).json().get("receipts")).hasSize(6);
        assertError(alice.get("/audit/receipts?from=yesterday"), 400, "INVALID_REQUEST");
    }

    @Test
    void anAdminReadingATenantsKeyLeavesTheReceiptWithThatTenant() {
        String key = alice.createKey("tenant-a", "Ed25519", "sign").text("key_id");
        String receiptId = node.admin().get("/keys/" + key).text("receipt_id");
        JsonNode receipt = alice.get("/receipts/" + receiptId).json().get("receipt");
        assertThat(receipt.get("tenant_id").asText()).isEqualTo("tenant-a");
        assertThat(receipt.get("operation").asText()).isEqualTo("key_read");
        assertThat(receipt.get("requesting_module").asText()).isEqualTo("kms-admin");
    }

    @Test
    void treeHeadsAreConsistentAsTheLogGrows() throws Exception {
        JsonNode first = alice.get("/audit/tree-head").json();
        String key = alice.createKey("tenant-a", "Ed25519", "sign").text("key_id");
        alice.sign("tenant-a", key, new byte[] {1}, null);
        JsonNode second = alice.get("/audit/tree-head").json();
        assertThat(verifyTreeHead(first)).isTrue();
        assertThat(verifyTreeHead(second)).isTrue();
        long m = first.get("tree_size").asLong();
        long n = second.get("tree_size").asLong();
        assertThat(n).isGreaterThan(m);
        JsonNode proof = alice.get("/audit/consistency?first=" + m + "&second=" + n).json();
        List<byte[]> hashes = hexList(proof.get("hashes"));
        byte[] r1 = HexFormat.of().parseHex(first.get("root_hash").asText());
        byte[] r2 = HexFormat.of().parseHex(second.get("root_hash").asText());
        assertThat(MerkleTree.verifyConsistency(m, n, r1, r2, hashes)).isTrue();
        assertThat(MerkleTree.verifyConsistency(m, n, r2, r1, hashes)).isFalse();
        assertError(alice.get("/audit/consistency?first=0&second=" + n), 400, "INVALID_REQUEST");
        assertError(alice.get("/audit/consistency?first=1&second=" + (n + 1000)), 400, "INVALID_REQUEST");
    }

    @Test
    void concurrentRequestsShareGroupCommits() throws Exception {
        String key = alice.createKey("tenant-a", "Ed25519", "sign", "verify").text("key_id");
        String before = node.anonymous().get("/metrics").body();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        List<Future<KmsClient.Response>> results = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            byte[] data = {(byte) i};
            results.add(pool.submit(() -> alice.sign("tenant-a", key, data, null)));
        }
        for (Future<KmsClient.Response> f : results) {
            assertThat(f.get().status()).isEqualTo(200);
        }
        pool.shutdown();
        String after = node.anonymous().get("/metrics").body();
        double receipts = value(after, "kms_audit_receipts_written_total") - value(before, "kms_audit_receipts_written_total");
        double batches = value(after, "kms_audit_batches_written_total") - value(before, "kms_audit_batches_written_total");
        assertThat(receipts).isGreaterThanOrEqualTo(400);
        assertThat(batches).as("group commit: fewer transactions than receipts").isLessThan(receipts / 2);
    }

    // ---- offline verification with the published key only ------------------------------------

    static boolean verifyReceiptSignature(JsonNode receipt) throws Exception {
        return verifySigned(asMap(receipt));
    }

    static boolean verifyTreeHead(JsonNode head) throws Exception {
        return verifySigned(asMap(head));
    }

    private static boolean verifySigned(Map<String, Object> content) throws Exception {
        byte[] signature = Base64.getDecoder().decode((String) content.remove("signature"));
        Signature verifier = Signature.getInstance("Ed25519");
        verifier.initVerify(receiptKey);
        verifier.update(CanonicalJson.bytes(content));
        return verifier.verify(signature);
    }

    static boolean verifyInclusion(JsonNode proof) {
        byte[] leaf = MerkleHash.leaf(CanonicalJson.bytes(asMap(proof.get("receipt"))));
        JsonNode inclusion = proof.get("inclusion_proof");
        return MerkleTree.verifyInclusion(leaf, inclusion.get("leaf_index").asLong(), inclusion.get("tree_size").asLong(),
                hexList(inclusion.get("hashes")), HexFormat.of().parseHex(proof.get("signed_tree_head").get("root_hash").asText()));
    }

    static Map<String, Object> asMap(JsonNode node) {
        return KmsClient.JSON.convertValue(node, new TypeReference<Map<String, Object>>() { });
    }

    static List<byte[]> hexList(JsonNode array) {
        List<byte[]> out = new ArrayList<>();
        array.forEach(h -> out.add(HexFormat.of().parseHex(h.asText())));
        return out;
    }

    static double value(String exposition, String series) {
        var m = java.util.regex.Pattern.compile("(?m)^" + java.util.regex.Pattern.quote(series) + " ([0-9.eE+-]+)$")
                .matcher(exposition);
        assertThat(m.find()).as("series %s", series).isTrue();
        return Double.parseDouble(m.group(1));
    }
}
