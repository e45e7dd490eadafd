package com.zeroui.kms.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zeroui.kms.auth.CallerIdentity;
import com.zeroui.kms.auth.Role;
import com.zeroui.kms.crypto.CryptoSuite;
import com.zeroui.kms.crypto.Pem;
import com.zeroui.kms.store.Database;
import com.zeroui.kms.store.JdbcAuditRepository;
import com.zeroui.kms.support.TestNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The verifier against bundles the real exporter wrote from a real receipt log (AuditLog and
 * TreeHeads over SQLite), then altered the way an attacker who can rewrite the bundle would.
 * The log: 20 receipts, heads signed at sizes 10 and 17, receipts 17..19 not yet under a head.
 */
class BundleVerifierTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final CryptoSuite CRYPTO = CryptoSuite.select(CryptoSuite.Preference.AUTO);
    static final String KEY_ID = UUID.randomUUID().toString();
    static final int RECEIPTS = 20;

    static Path dir;
    static KeyPair receiptKey;
    static byte[] bundle;

    @BeforeAll
    static void writeLogAndExport() throws Exception {
        dir = Files.createTempDirectory("kms-bundle-test-");
        receiptKey = ed25519();
        ReceiptSigner signer = new ReceiptSigner() {
            @Override
            public String keyId() {
                return KEY_ID;
            }

            @Override
            public byte[] sign(byte[] message) {
                return BundleVerifierTest.sign(receiptKey.getPrivate(), message);
            }
        };
        try (Database db = Database.open("jdbc:sqlite:" + dir.resolve("kms.db"), null, null)) {
            JdbcAuditRepository repository = new JdbcAuditRepository(db);
            TreeHeads heads = new TreeHeads(repository, signer, Clock.systemUTC());
            try (AuditLog log = new AuditLog(repository, signer, Duration.ofMillis(1), 4, Duration.ofSeconds(10))) {
                for (int i = 0; i < RECEIPTS; i++) {
                    log.append(draft(i));
                    if (i + 1 == 10 || i + 1 == 17) {
                        heads.latest();
                    }
                }
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            BundleExporter.Summary summary = new BundleExporter(repository,
                    id -> id.equals(KEY_ID) ? Optional.of(receiptKey.getPublic().getEncoded()) : Optional.empty(),
                    Clock.systemUTC()).export(out);
            assertThat(summary).isEqualTo(new BundleExporter.Summary(RECEIPTS, 2, Set.of(KEY_ID), Set.of()));
            bundle = out.toByteArray();
        }
    }

    @AfterAll
    static void remove() {
        TestNode.deleteTree(dir);
    }

    private static ReceiptDraft draft(int i) {
        CallerIdentity caller = new CallerIdentity("M21", "tenant-a", Set.of(Role.ADMIN),
                "spiffe://zeroui.local/tenant/tenant-a/module/M21");
        return new ReceiptDraft(UUID.randomUUID().toString(), Instant.now(), "tenant-a", "dev", "tenant",
                i % 2 == 0 ? "sign" : "verify", "sign", "key-" + i, "EdDSA", 256, i % 3 != 0,
                i % 3 != 0 ? null : "UNAUTHORIZED", caller, "00".repeat(32));
    }

    // ---- helpers ------------------------------------------------------------------------------

    static KeyPair ed25519() throws GeneralSecurityException {
        return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    }

    static byte[] sign(PrivateKey key, byte[] message) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(key);
            s.update(message);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Re-signs a receipt or tree head (an object node) over its canonical JSON without "signature". */
    static void resign(ObjectNode node, PrivateKey key) {
        node.remove("signature");
        Map<String, Object> content = JSON.convertValue(node, new com.fasterxml.jackson.core.type.TypeReference<>() {
        });
        node.put("signature", Base64.getEncoder().encodeToString(sign(key, CanonicalJson.bytes(content))));
    }

    static ObjectNode bundleCopy() throws IOException {
        return (ObjectNode) JSON.readTree(bundle);
    }

    static ArrayNode receipts(ObjectNode b) {
        return (ArrayNode) b.get("receipts");
    }

    static ArrayNode heads(ObjectNode b) {
        return (ArrayNode) b.get("tree_heads");
    }

    static BundleVerifier.Result verify(byte[] bytes) throws IOException {
        return new BundleVerifier(CRYPTO).verify(new ByteArrayInputStream(bytes));
    }

    static BundleVerifier.Result verify(JsonNode b) throws IOException {
        return verify(JSON.writeValueAsBytes(b));
    }

    static String problem(BundleVerifier.Result result) {
        assertThat(result.ok()).as("verification must fail").isFalse();
        return result.problem().message();
    }

    // ---- an untouched bundle ------------------------------------------------------------------

    @Test
    void untouchedBundleVerifiesEveryReceiptAndHead() throws IOException {
        BundleVerifier.Result result = verify(bundle);
        assertThat(result.problem()).isNull();
        assertThat(result.receipts()).isEqualTo(RECEIPTS);
        assertThat(result.treeHeads()).isEqualTo(2);
        assertThat(result.keyIds()).containsExactly(KEY_ID);
    }

    @Test
    void bundleListsKeysAndHeadsBeforeReceiptsSoThatItCanBeStreamed() {
        String text = new String(bundle, StandardCharsets.UTF_8);
        assertThat(text).startsWith("{\"format\":\"kms-audit-bundle/v1\"");
        assertThat(text.indexOf("\"receipt_keys\"")).isLessThan(text.indexOf("\"tree_heads\""));
        assertThat(text.indexOf("\"tree_heads\"")).isLessThan(text.indexOf("\"receipts\""));
    }

    // ---- receipts altered, removed, reordered, forged -----------------------------------------

    @Test
    void alteredReceiptFailsItsSignatureAtItsIndex() throws IOException {
        ObjectNode b = bundleCopy();
        ObjectNode context = (ObjectNode) receipts(b).get(7).get("kms_context");
        context.put("success", !context.get("success").asBoolean());
        assertThat(problem(verify(b))).isEqualTo("index 7: signature does not verify");
    }

    @Test
    void removedReceiptShiftsTheNextOneIntoItsPlace() throws IOException {
        ObjectNode b = bundleCopy();
        receipts(b).remove(5);
        b.put("tree_size", RECEIPTS - 1);
        assertThat(problem(verify(b))).isEqualTo("index 5: expected log_index 5, found 6");
    }

    @Test
    void swappedReceiptsFailAtTheFirstOfThem() throws IOException {
        ObjectNode b = bundleCopy();
        ArrayNode r = receipts(b);
        JsonNode third = r.get(3);
        r.set(3, r.get(8));
        r.set(8, third);
        assertThat(problem(verify(b))).isEqualTo("index 3: expected log_index 3, found 8");
    }

    @Test
    void receiptForgedWithAnotherKeyUnderTheReceiptKeyIdFails() throws Exception {
        ObjectNode b = bundleCopy();
        ObjectNode forged = (ObjectNode) receipts(b).get(RECEIPTS - 1).deepCopy();
        forged.put("log_index", RECEIPTS).put("receipt_id", UUID.randomUUID().toString());
        resign(forged, ed25519().getPrivate());
        receipts(b).add(forged);
        b.put("tree_size", RECEIPTS + 1);
        assertThat(problem(verify(b))).isEqualTo("index 20: signature does not verify");
    }

    @Test
    void receiptForgedWithAKeyTheBundleItselfCarriesIsCaughtOnlyByTrustedKeys() throws Exception {
        KeyPair attacker = ed25519();
        String attackerId = UUID.randomUUID().toString();
        ObjectNode b = bundleCopy();
        ((ArrayNode) b.get("receipt_keys")).addObject().put("key_id", attackerId).put("algorithm", "EdDSA")
                .put("public_key", Pem.publicKey(attacker.getPublic().getEncoded()));
        ObjectNode forged = (ObjectNode) receipts(b).get(12).deepCopy();
        forged.put("receipt_key_id", attackerId);
        ((ObjectNode) forged.get("kms_context")).put("success", true).putNull("error_code");
        resign(forged, attacker.getPrivate());
        receipts(b).set(12, forged);

        // the receipt is valid under the key the bundle offers; the signed heads still expose the change
        assertThat(problem(verify(b))).startsWith("tree head 17: root mismatch: signed ");
        // and with the published keys pinned, the forged receipt itself is refused
        BundleVerifier verifier = new BundleVerifier(CRYPTO);
        BundleVerifier.Result pinned = verifier.verify(new ByteArrayInputStream(JSON.writeValueAsBytes(b)),
                Map.of(KEY_ID, receiptKey.getPublic()));
        assertThat(problem(pinned)).isEqualTo("index 12: receipt key " + attackerId + " is not trusted");
    }

    @Test
    void receiptThatIsNotAnObjectIsNamed() throws IOException {
        ObjectNode b = bundleCopy();
        receipts(b).set(4, JSON.getNodeFactory().textNode("{\"format\":"));
        assertThat(problem(verify(b))).isEqualTo("index 4: not a JSON object");
    }

    @Test
    void bundleCutInsideTheReceiptsNamesTheReceiptWhereItEnds() throws IOException {
        String text = new String(bundle, StandardCharsets.UTF_8);
        String cut = text.substring(0, text.lastIndexOf("\"receipt_id\""));
        BundleVerifier.Result result = verify(cut.getBytes(StandardCharsets.UTF_8));
        assertThat(problem(result)).startsWith("index 19: malformed JSON");
        assertThat(result.receipts()).isEqualTo(19);
    }

    // ---- the log cut short --------------------------------------------------------------------

    @Test
    void truncationBelowASignedHeadIsNamedByThatHead() throws IOException {
        ObjectNode b = bundleCopy();
        ArrayNode r = receipts(b);
        while (r.size() > 16) {
            r.remove(r.size() - 1);
        }
        b.put("tree_size", 16);
        assertThat(problem(verify(b))).isEqualTo("tree head 17: beyond the end of the log (16 receipts)");
    }

    @Test
    void receiptsMissingAtTheEndOfTheDeclaredSizeAreNamed() throws IOException {
        ObjectNode b = bundleCopy();
        receipts(b).remove(RECEIPTS - 1);
        receipts(b).remove(RECEIPTS - 2);
        assertThat(problem(verify(b))).isEqualTo("index 18: missing: the bundle declares 20 receipts");
    }

    @Test
    void receiptsBeyondTheDeclaredSizeAreNamed() throws IOException {
        ObjectNode b = bundleCopy();
        b.put("tree_size", 15);
        assertThat(problem(verify(b))).isEqualTo("index 15: beyond the declared log size 15");
    }

    // ---- tree heads ---------------------------------------------------------------------------

    @Test
    void headWhoseRootWasChangedFailsItsSignature() throws IOException {
        ObjectNode b = bundleCopy();
        ((ObjectNode) heads(b).get(0)).put("root_hash", "00".repeat(32));
        assertThat(problem(verify(b))).isEqualTo("tree head 10: signature does not verify");
    }

    @Test
    void headSignedOverAnotherRootIsARootMismatch() throws IOException {
        ObjectNode b = bundleCopy();
        ObjectNode head = (ObjectNode) heads(b).get(0);
        head.put("root_hash", "ab".repeat(32));
        resign(head, receiptKey.getPrivate());
        assertThat(problem(verify(b))).isEqualTo("tree head 10: root mismatch: signed " + "ab".repeat(32)
                + ", recomputed " + heads(bundleCopy()).get(0).get("root_hash").asText());
    }

    @Test
    void headNamingAKeyOutsideTheBundleIsRefused() throws IOException {
        ObjectNode b = bundleCopy();
        ((ObjectNode) heads(b).get(1)).put("key_id", "someone-else");
        assertThat(problem(verify(b))).isEqualTo("tree head 17: receipt key someone-else is not in the bundle");
    }

    // ---- keys ---------------------------------------------------------------------------------

    @Test
    void trustedKeysAsPublishedByTheServiceVerifyAnUntouchedBundle() throws IOException {
        String published = "{\"keys\":[{\"key_id\":\"" + KEY_ID + "\",\"algorithm\":\"EdDSA\",\"public_key\":"
                + JSON.writeValueAsString(Pem.publicKey(receiptKey.getPublic().getEncoded()))
                + ",\"created_at\":\"2026-01-01T00:00:00Z\"}]}";
        BundleVerifier verifier = new BundleVerifier(CRYPTO);
        Map<String, PublicKey> trusted = verifier.readKeyList(new ByteArrayInputStream(published.getBytes(StandardCharsets.UTF_8)));
        BundleVerifier.Result result = verifier.verify(new ByteArrayInputStream(bundle), trusted);
        assertThat(result.problem()).isNull();
        assertThat(result.receipts()).isEqualTo(RECEIPTS);
    }

    @Test
    void bundleKeyThatContradictsTheTrustedKeyIsRefused() throws Exception {
        BundleVerifier.Result result = new BundleVerifier(CRYPTO).verify(new ByteArrayInputStream(bundle),
                Map.of(KEY_ID, ed25519().getPublic()));
        assertThat(problem(result)).isEqualTo("bundle: receipt key " + KEY_ID + " in the bundle differs from the trusted key");
    }

    @Test
    void receiptsBeforeTheKeysAreRefused() throws IOException {
        ObjectNode b = bundleCopy();
        JsonNode keys = b.remove("receipt_keys");
        b.set("receipt_keys", keys); // now after "receipts"
        assertThat(problem(verify(b))).isEqualTo("bundle: tree_size, receipt_keys and tree_heads must precede receipts");
    }

    @Test
    void notABundleIsRefused() throws IOException {
        assertThat(problem(verify("[]".getBytes(StandardCharsets.UTF_8)))).isEqualTo("bundle: not a JSON object");
        ObjectNode b = bundleCopy();
        b.put("format", "kms-audit-bundle/v0");
        assertThat(problem(verify(b))).startsWith("bundle: format must be kms-audit-bundle/v1");
    }
}
