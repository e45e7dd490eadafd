package com.zeroui.kms.api;

import static com.zeroui.kms.support.ErrorResponseAssert.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zeroui.kms.crypto.AeadAlgorithm;
import com.zeroui.kms.crypto.CiphertextBlob;
import com.zeroui.kms.support.KmsClient;
import com.zeroui.kms.support.TestNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Data keys, the self-describing ciphertext and rewrap through a real node. */
class EnvelopeApiIT {
    static TestNode node;
    static KmsClient m21;
    static final String T = "tenant-e";
    static final Base64.Encoder B64 = Base64.getEncoder();
    static final Base64.Decoder DB64 = Base64.getDecoder();
    static final byte[] AAD = "order-42".getBytes(StandardCharsets.UTF_8);

    @BeforeAll
    static void start() {
        node = TestNode.start();
        m21 = node.client("M21", T);
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    static String aesKey() {
        KmsClient.Response r = m21.createKey(T, "AES-256", "encrypt", "decrypt");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.text("key_id");
    }

    static ObjectNode dataKeyRequest(String keyId) {
        return KmsClient.scope(T, "dev", "tenant").put("key_id", keyId).put("key_spec", "AES-256")
                .put("aad", B64.encodeToString(AAD));
    }

    static KmsClient.Response decryptBlob(KmsClient client, String blob, byte[] aad) {
        ObjectNode body = KmsClient.scope(T, "dev", "tenant").put("ciphertext_blob", blob);
        if (aad != null) {
            body.put("aad", B64.encodeToString(aad));
        }
        return client.post("/decrypt", body);
    }

    static ObjectNode rewrap(String blob, String destination) {
        ObjectNode body = KmsClient.scope(T, "dev", "tenant").put("ciphertext_blob", blob).put("aad", B64.encodeToString(AAD));
        if (destination != null) {
            body.put("destination_key_id", destination);
        }
        return body;
    }

    @Test
    void aDataKeyIsA256BitKeyWhoseBlobDecryptsToItWithoutAKeyId() throws Exception {
        String k = aesKey();
        KmsClient.Response r = m21.post("/datakeys", dataKeyRequest(k));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        byte[] plaintext = DB64.decode(r.text("plaintext"));
        assertThat(plaintext).hasSize(32);
        assertThat(r.text("key_id")).isEqualTo(k);
        assertThat(r.text("key_spec")).isEqualTo("AES-256");
        CiphertextBlob blob = CiphertextBlob.decode(DB64.decode(r.text("ciphertext_blob"))).orElseThrow();
        assertThat(blob.keyId()).isEqualTo(k);
        assertThat(blob.keyVersion()).isZero();
        assertThat(blob.algorithm()).isEqualTo(AeadAlgorithm.AES_256_GCM);

        KmsClient.Response opened = decryptBlob(m21, r.text("ciphertext_blob"), AAD);
        assertThat(opened.status()).as(opened.body()).isEqualTo(200);
        assertThat(DB64.decode(opened.text("plaintext"))).isEqualTo(plaintext);
        assertThat(opened.text("key_id")).isEqualTo(k);

        // the data key is usable locally: envelope encryption as a client does it
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(plaintext, "AES"), new GCMParameterSpec(128, new byte[12]));
        assertThat(c.doFinal(new byte[] {1, 2, 3})).hasSize(19);

        JsonNode receipt = m21.get("/receipts/" + r.text("receipt_id")).json().get("receipt");
        assertThat(receipt.get("operation").asText()).isEqualTo("data_key_generated");
        assertThat(receipt.toString()).doesNotContain(r.text("plaintext"));

        KmsClient.Response without = m21.post("/datakeys", dataKeyRequest(k).put("include_plaintext", false));
        assertThat(without.status()).isEqualTo(200);
        assertThat(without.json().has("plaintext")).isFalse();
        assertThat(DB64.decode(decryptBlob(m21, without.text("ciphertext_blob"), AAD).text("plaintext"))).hasSize(32);
    }

    @Test
    void encryptAnswersTheBlobBesideTodaysFieldsAndBothDecrypt() {
        String k = aesKey();
        KmsClient.Response enc = m21.encrypt(T, k, "hello".getBytes(), AAD, null);
        assertThat(enc.status()).as(enc.body()).isEqualTo(200);
        KmsClient.Response legacy = m21.decrypt(T, k, enc.text("ciphertext"), enc.text("iv"), AAD, null);
        assertThat(DB64.decode(legacy.text("plaintext"))).isEqualTo("hello".getBytes());
        KmsClient.Response byBlob = decryptBlob(m21, enc.text("ciphertext_blob"), AAD);
        assertThat(byBlob.status()).as(byBlob.body()).isEqualTo(200);
        assertThat(DB64.decode(byBlob.text("plaintext"))).isEqualTo("hello".getBytes());
        CiphertextBlob blob = CiphertextBlob.decode(DB64.decode(enc.text("ciphertext_blob"))).orElseThrow();
        assertThat(blob.nonce()).isEqualTo(DB64.decode(enc.text("iv")));
        assertThat(blob.ciphertextAndTag()).isEqualTo(DB64.decode(enc.text("ciphertext")));

        KmsClient.Response chacha = m21.encrypt(T, k, "hi".getBytes(), null, "CHACHA20-POLY1305");
        assertThat(DB64.decode(decryptBlob(m21, chacha.text("ciphertext_blob"), null).text("plaintext")))
                .isEqualTo("hi".getBytes());
    }

    @Test
    void everyBlobDecryptionFailureHasTheOneConstantMessage() {
        String k = aesKey();
        String b64 = m21.encrypt(T, k, "secret".getBytes(), AAD, null).text("ciphertext_blob");
        byte[] blob = DB64.decode(b64);
        List<KmsClient.Response> failures = new ArrayList<>();
        failures.add(decryptBlob(m21, b64, "other".getBytes()));
        failures.add(decryptBlob(m21, b64, null));
        for (int offset : new int[] {0, 4, 5, 7 + k.length(), 7 + k.length() + 3, 7 + k.length() + 4, blob.length - 1}) {
            byte[] bad = blob.clone();
            bad[offset] ^= 1; // magic, format, algorithm... key version, nonce, tag
            failures.add(decryptBlob(m21, B64.encodeToString(bad), AAD));
        }
        failures.add(decryptBlob(m21, B64.encodeToString(new byte[40]), AAD));
        failures.add(decryptBlob(m21, B64.encodeToString(java.util.Arrays.copyOf(blob, blob.length - 1)), AAD));
        List<String> messages = failures.stream().map(r -> assertError(r, 400, "INVALID_REQUEST").get("message").asText())
                .distinct().toList();
        assertThat(messages).containsExactly("decryption failed: ciphertext, iv, aad or key do not match");
        // and the same message as the separate-fields form
        KmsClient.Response legacy = m21.decrypt(T, k, B64.encodeToString(new byte[20]), B64.encodeToString(new byte[12]),
                AAD, null);
        assertThat(assertError(legacy, 400, "INVALID_REQUEST").get("message").asText()).isEqualTo(messages.get(0));
    }

    @Test
    void aBlobAndTheSeparateFieldsCannotBeMixed() {
        String k = aesKey();
        KmsClient.Response enc = m21.encrypt(T, k, "x".getBytes(), null, null);
        for (String field : new String[] {"key_id", "iv", "ciphertext", "algorithm"}) {
            ObjectNode body = KmsClient.scope(T, "dev", "tenant").put("ciphertext_blob", enc.text("ciphertext_blob"))
                    .put(field, field.equals("key_id") ? k : field.equals("algorithm") ? "AES-256-GCM" : "AAAA");
            JsonNode error = assertError(m21.post("/decrypt", body), 400, "INVALID_REQUEST");
            assertThat(error.at("/details/field").asText()).isEqualTo(field);
        }
        assertError(m21.post("/decrypt", KmsClient.scope(T, "dev", "tenant").put("ciphertext_blob", "%%")), 400,
                "INVALID_REQUEST");
    }

    @Test
    void rewrapMovesACiphertextToAnotherKeyOrTheSuccessorWithoutThePlaintext() {
        String from = aesKey();
        String to = aesKey();
        KmsClient.Response dk = m21.post("/datakeys", dataKeyRequest(from));
        byte[] plaintext = DB64.decode(dk.text("plaintext"));

        KmsClient.Response moved = m21.post("/rewrap", rewrap(dk.text("ciphertext_blob"), to));
        assertThat(moved.status()).as(moved.body()).isEqualTo(200);
        assertThat(moved.json().has("plaintext")).isFalse();
        assertThat(moved.body()).doesNotContain(dk.text("plaintext"));
        assertThat(moved.text("key_id")).isEqualTo(to);
        assertThat(moved.text("source_key_id")).isEqualTo(from);
        assertThat(CiphertextBlob.decode(DB64.decode(moved.text("ciphertext_blob"))).orElseThrow().keyId()).isEqualTo(to);
        assertThat(DB64.decode(decryptBlob(m21, moved.text("ciphertext_blob"), AAD).text("plaintext"))).isEqualTo(plaintext);

        assertError(m21.post("/rewrap", rewrap(dk.text("ciphertext_blob"), null)), 400, "INVALID_REQUEST");
        KmsClient.Response rotated = m21.post("/keys/" + from + "/rotate", KmsClient.JSON.createObjectNode());
        assertThat(rotated.status()).as(rotated.body()).isEqualTo(200);
        String successor = rotated.json().at("/key/key_id").asText();
        KmsClient.Response toSuccessor = m21.post("/rewrap", rewrap(dk.text("ciphertext_blob"), null));
        assertThat(toSuccessor.status()).as(toSuccessor.body()).isEqualTo(200);
        assertThat(toSuccessor.text("key_id")).isEqualTo(successor);
        assertThat(DB64.decode(decryptBlob(m21, toSuccessor.text("ciphertext_blob"), AAD).text("plaintext")))
                .isEqualTo(plaintext);
        // the rotated key still decrypts (grace period) but no longer encrypts
        assertError(m21.post("/rewrap", rewrap(toSuccessor.text("ciphertext_blob"), from)), 409, "KEY_INACTIVE");
        assertError(m21.post("/datakeys", dataKeyRequest(from)), 409, "KEY_INACTIVE");

        JsonNode receipt = m21.get("/receipts/" + moved.text("receipt_id")).json().get("receipt");
        assertThat(receipt.get("operation").asText()).isEqualTo("ciphertext_rewrapped");
        assertThat(receipt.get("kms_context").get("key_id").asText()).isEqualTo(to);
    }

    @Test
    void rewrapWithTheWrongAadOrATamperedBlobIsTheConstantFailure() {
        String from = aesKey();
        String to = aesKey();
        String blob = m21.post("/datakeys", dataKeyRequest(from)).text("ciphertext_blob");
        ObjectNode wrongAad = rewrap(blob, to).put("aad", B64.encodeToString("x".getBytes()));
        assertThat(assertError(m21.post("/rewrap", wrongAad), 400, "INVALID_REQUEST").get("message").asText())
                .isEqualTo("decryption failed: ciphertext, iv, aad or key do not match");
    }

    @Test
    void tenancyPolicyAndUsageApplyToBothKeys() {
        String k = aesKey();
        KmsClient other = node.client("M22", "tenant-x");
        String theirs = other.createKey("tenant-x", "AES-256", "encrypt", "decrypt").text("key_id");
        assertError(m21.post("/datakeys", dataKeyRequest(theirs)), 404, "KEY_NOT_FOUND");
        assertError(m21.post("/datakeys", dataKeyRequest(k).put("tenant_id", "tenant-x")), 403, "UNAUTHORIZED");
        String blob = m21.post("/datakeys", dataKeyRequest(k)).text("ciphertext_blob");
        ObjectNode asOther = rewrap(blob, theirs).put("tenant_id", "tenant-x");
        assertError(other.post("/rewrap", asOther), 404, "KEY_NOT_FOUND"); // the blob's key is not in tenant-x
        assertError(decryptBlob(node.client("M99", T), blob, AAD), 403, "POLICY_VIOLATION");
        assertError(m21.post("/rewrap", rewrap(blob, theirs)), 404, "KEY_NOT_FOUND");
        String signing = m21.createKey(T, "Ed25519", "sign", "verify").text("key_id");
        assertError(m21.post("/datakeys", dataKeyRequest(signing)), 400, "INVALID_REQUEST");
        String decryptOnly = m21.createKey(T, "AES-256", "decrypt").text("key_id");
        assertError(m21.post("/datakeys", dataKeyRequest(decryptOnly)), 403, "POLICY_VIOLATION");
    }

    /** Both keys pass every check before anything is opened: a refused destination wins over a bad aad. */
    @Test
    void rewrapChecksTheDestinationBeforeOpeningTheCiphertext() {
        String from = aesKey();
        String decryptOnly = m21.createKey(T, "AES-256", "decrypt").text("key_id");
        String blob = m21.post("/datakeys", dataKeyRequest(from)).text("ciphertext_blob");
        JsonNode refused = assertError(m21.post("/rewrap", rewrap(blob, decryptOnly)), 403, "POLICY_VIOLATION");
        assertThat(refused.at("/details/key_id").asText()).isEqualTo(decryptOnly);
        assertThat(refused.at("/details/operation").asText()).isEqualTo("encrypt");
        ObjectNode wrongAad = rewrap(blob, decryptOnly).put("aad", B64.encodeToString("x".getBytes()));
        assertError(m21.post("/rewrap", wrongAad), 403, "POLICY_VIOLATION");
        // the source is checked first: a source the caller may not decrypt with is refused as itself
        String encryptOnly = m21.createKey(T, "AES-256", "encrypt").text("key_id");
        String sealed = m21.encrypt(T, encryptOnly, "x".getBytes(), AAD, null).text("ciphertext_blob");
        JsonNode source = assertError(m21.post("/rewrap", rewrap(sealed, from)), 403, "POLICY_VIOLATION");
        assertThat(source.at("/details/key_id").asText()).isEqualTo(encryptOnly);
        assertThat(source.at("/details/operation").asText()).isEqualTo("decrypt");
    }

    /** The blob form of decrypt runs on the template: one receipt naming the blob's key, and its data_decrypted event. */
    @Test
    void blobDecryptionIsReceiptedAndAnnouncedLikeEveryDecryption() {
        String k = aesKey();
        String blob = m21.encrypt(T, k, "evt".getBytes(), AAD, null).text("ciphertext_blob");
        KmsClient.Response opened = decryptBlob(m21, blob, AAD);
        assertThat(opened.status()).as(opened.body()).isEqualTo(200);
        JsonNode receipt = m21.get("/receipts/" + opened.text("receipt_id")).json().get("receipt");
        assertThat(receipt.get("operation").asText()).isEqualTo("decrypt");
        assertThat(receipt.at("/kms_context/key_id").asText()).isEqualTo(k);
        assertThat(receipt.at("/kms_context/algorithm").asText()).isEqualTo("AES-256-GCM");
        List<JsonNode> events = new ArrayList<>();
        m21.get("/events?limit=1000&after=0").json().get("events").forEach(e -> events.add(e.get("event")));
        JsonNode decrypted = events.stream().filter(e -> e.at("/payload/operation_id").asText()
                .equals(opened.text("receipt_id"))).findFirst().orElseThrow();
        assertThat(decrypted.get("event_type").asText()).isEqualTo("data_decrypted");
        assertThat(decrypted.at("/payload/key_id").asText()).isEqualTo(k);
        assertThat(decrypted.at("/payload/algorithm").asText()).isEqualTo("AES-256-GCM");
    }

    @Test
    void badRequestsAre400NamingTheField() {
        String k = aesKey();
        Object[][] cases = {
                {dataKeyRequest(k).put("key_spec", "AES-128"), "key_spec"},
                {dataKeyRequest(k).put("include_plaintext", "yes"), "include_plaintext"},
                {dataKeyRequest(k).put("aad", "%"), "aad"},
                {dataKeyRequest(k).put("plaintext", "AAAA"), "plaintext"},
                {KmsClient.scope(T, "dev", "tenant").put("key_spec", "AES-256"), "key_id"},
                {KmsClient.scope(T, "dev", "tenant"), "ciphertext_blob"},
                {rewrap("AAAA", "alias/bad alias"), "destination_key_id"},
        };
        for (Object[] c : cases) {
            String path = ((ObjectNode) c[0]).has("key_id") || ((ObjectNode) c[0]).has("key_spec") ? "/datakeys" : "/rewrap";
            JsonNode error = assertError(m21.post(path, c[0]), 400, "INVALID_REQUEST");
            assertThat(error.at("/details/field").asText()).as("%s %s", path, c[0]).isEqualTo(c[1]);
        }
    }

    @Test
    void dataKeysAndRewrapsAreAnnounced() {
        String from = aesKey();
        String to = aesKey();
        KmsClient.Response dk = m21.post("/datakeys", dataKeyRequest(from));
        KmsClient.Response moved = m21.post("/rewrap", rewrap(dk.text("ciphertext_blob"), to));
        List<JsonNode> events = new ArrayList<>();
        m21.get("/events?limit=1000&after=0").json().get("events").forEach(e -> events.add(e.get("event")));
        JsonNode generated = events.stream().filter(e -> e.at("/payload/operation_id").asText()
                .equals(dk.text("receipt_id"))).findFirst().orElseThrow();
        assertThat(generated.get("event_type").asText()).isEqualTo("data_key_generated");
        assertThat(generated.toString()).doesNotContain(dk.text("plaintext"));
        JsonNode rewrapped = events.stream().filter(e -> e.at("/payload/operation_id").asText()
                .equals(moved.text("receipt_id"))).findFirst().orElseThrow();
        assertThat(rewrapped.get("event_type").asText()).isEqualTo("ciphertext_rewrapped");
        assertThat(rewrapped.at("/payload/source_key_id").asText()).isEqualTo(from);
        assertThat(rewrapped.at("/payload/key_id").asText()).isEqualTo(to);
    }
}
