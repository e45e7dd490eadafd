package com.zeroui.kms.api;

import static com.zeroui.kms.support.ErrorResponseAssert.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zeroui.kms.crypto.KeyImportWrapping;
import com.zeroui.kms.support.KmsClient;
import com.zeroui.kms.support.TestNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** POST /derive through a real node: HKDF from a managed key, PBKDF2 from a credential, returned or stored. */
class DerivationApiIT {
    static TestNode node;
    static KmsClient m21;
    static final String T = "tenant-d";
    static final Base64.Encoder B64 = Base64.getEncoder();
    static final Base64.Decoder DB64 = Base64.getDecoder();
    static final byte[] SALT = HexFormat.of().parseHex("00112233445566778899aabbccddeeff");

    @BeforeAll
    static void start() {
        node = TestNode.start();
        m21 = node.client("M21", T);
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    static String key(String type, String... usage) {
        KmsClient.Response r = m21.createKey(T, type, usage);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.text("key_id");
    }

    static ObjectNode hkdf(String keyId, String info, Integer length) {
        ObjectNode body = KmsClient.scope(T, "dev", "tenant").put("method", "HKDF-SHA256").put("key_id", keyId)
                .put("salt", B64.encodeToString(SALT)).put("info", B64.encodeToString(info.getBytes(StandardCharsets.UTF_8)));
        if (length != null) {
            body.put("length", length);
        }
        return body;
    }

    static ObjectNode pbkdf2(String password) {
        return KmsClient.scope(T, "dev", "tenant").put("method", "PBKDF2-HMAC-SHA256").put("password", password)
                .put("salt", B64.encodeToString(SALT));
    }

    @Test
    void hkdfIsDeterministicPerKeySaltAndInfoAndReturnsTheRequestedLength() {
        String k = key("AES-256", "derive");
        KmsClient.Response a = m21.post("/derive", hkdf(k, "ctx-a", 64));
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        assertThat(DB64.decode(a.text("derived"))).hasSize(64);
        assertThat(a.text("method")).isEqualTo("HKDF-SHA256");
        assertThat(a.text("key_id")).isEqualTo(k);
        assertThat(m21.post("/derive", hkdf(k, "ctx-a", 64)).text("derived")).isEqualTo(a.text("derived"));
        assertThat(m21.post("/derive", hkdf(k, "ctx-b", 64)).text("derived")).isNotEqualTo(a.text("derived"));
        String other = key("AES-256", "derive");
        assertThat(m21.post("/derive", hkdf(other, "ctx-a", 64)).text("derived")).isNotEqualTo(a.text("derived"));
        byte[] prefix = DB64.decode(m21.post("/derive", hkdf(k, "ctx-a", 16)).text("derived"));
        assertThat(DB64.decode(a.text("derived"))).startsWith(prefix); // HKDF-Expand: shorter output is a prefix

        JsonNode receipt = m21.get("/receipts/" + a.text("receipt_id")).json().get("receipt");
        assertThat(receipt.get("operation").asText()).isEqualTo("key_derived");
        assertThat(receipt.get("kms_context").get("key_id").asText()).isEqualTo(k);
        assertThat(receipt.toString()).doesNotContain(a.text("derived"));
    }

    @Test
    void storedHkdfOutputBecomesAnAesKeyHoldingExactlyThoseBytesAndIsNeverReturned() throws Exception {
        String k = key("AES-256", "derive");
        byte[] expected = DB64.decode(m21.post("/derive", hkdf(k, "data-key-1", 32)).text("derived"));
        ObjectNode body = hkdf(k, "data-key-1", null);
        body.putObject("store_as").put("key_type", "AES-256").putArray("key_usage").add("encrypt").add("decrypt");
        KmsClient.Response stored = m21.post("/derive", body);
        assertThat(stored.status()).as(stored.body()).isEqualTo(201);
        assertThat(stored.json().has("derived")).isFalse();
        JsonNode key = stored.json().get("key");
        assertThat(key.get("origin").asText()).isEqualTo("derived");
        assertThat(key.get("key_type").asText()).isEqualTo("AES-256");
        String newKey = key.get("key_id").asText();
        assertThat(m21.get("/keys/" + newKey).text("origin")).isEqualTo("derived");
        assertThat(decryptLocally(expected, m21.encrypt(T, newKey, "hello".getBytes(), null, null))).isEqualTo("hello");
        assertThat(m21.get("/keys/" + k).text("origin")).isEqualTo("generated");
    }

    /**
     * The HKDF input is an imported key whose bytes the test knows, so the expected MAC is computed
     * without the service: Bouncy Castle's HKDF, then the JDK's HMAC keyed with its output.
     */
    @Test
    void storedHkdfOutputBecomesAnHmacKeyWhoseMacIsAnIndependentHmacOverTheDerivedBytes() throws Exception {
        byte[] ikm = new byte[32];
        new java.security.SecureRandom().nextBytes(ikm);
        String source = importedAes(ikm, "derive");
        byte[] info = "mac-key-1".getBytes(StandardCharsets.UTF_8);
        HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
        hkdf.init(new HKDFParameters(ikm, SALT, info));
        byte[] derived = new byte[32];
        hkdf.generateBytes(derived, 0, 32);

        ObjectNode body = hkdf(source, "mac-key-1", 32);
        body.putObject("store_as").put("key_type", "HMAC-SHA256");
        KmsClient.Response stored = m21.post("/derive", body);
        assertThat(stored.status()).as(stored.body()).isEqualTo(201);
        assertThat(stored.json().has("derived")).isFalse();
        assertThat(stored.body()).doesNotContain(B64.encodeToString(derived));
        JsonNode key = stored.json().get("key");
        assertThat(key.get("key_type").asText()).isEqualTo("HMAC-SHA256");
        assertThat(key.get("origin").asText()).isEqualTo("derived");
        List<String> usage = new ArrayList<>();
        key.get("key_usage").forEach(u -> usage.add(u.asText()));
        assertThat(usage).containsExactlyInAnyOrder("mac", "mac_verify");
        assertMacsLike(key.get("key_id").asText(), derived);
        JsonNode receipt = m21.get("/receipts/" + stored.text("receipt_id")).json().get("receipt");
        assertThat(receipt.get("kms_context").get("key_id").asText()).isEqualTo(source);
    }

    @Test
    void storedPbkdf2OutputBecomesAnHmacKeyWhoseMacIsAnIndependentHmacOverTheDerivedBytes() throws Exception {
        ObjectNode body = pbkdf2("hmac key from a passphrase");
        body.putObject("store_as").put("key_type", "HMAC-SHA256").putArray("key_usage").add("mac");
        KmsClient.Response stored = m21.post("/derive", body);
        assertThat(stored.status()).as(stored.body()).isEqualTo(201);
        byte[] derived = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(
                new PBEKeySpec("hmac key from a passphrase".toCharArray(), SALT, 600_000, 256)).getEncoded();
        String keyId = stored.json().at("/key/key_id").asText();
        assertThat(stored.json().at("/key/key_usage").toString()).isEqualTo("[\"mac\"]");
        byte[] data = "message".getBytes(StandardCharsets.UTF_8);
        KmsClient.Response mac = m21.post("/mac", KmsClient.scope(T, "dev", "tenant").put("key_id", keyId)
                .put("data", B64.encodeToString(data)));
        assertThat(mac.status()).as(mac.body()).isEqualTo(200);
        assertThat(DB64.decode(mac.text("mac"))).isEqualTo(hmac(derived, data));
        // mac_verify was not asked for: the stored key has only the usage requested
        assertError(m21.post("/mac/verify", KmsClient.scope(T, "dev", "tenant").put("key_id", keyId)
                .put("data", B64.encodeToString(data)).put("mac", mac.text("mac"))), 403, "POLICY_VIOLATION");
    }

    @Test
    void storingAsHmacRefusesAWrongLengthOrUsageWith400() {
        String k = key("AES-256", "derive");
        ObjectNode shortKey = hkdf(k, "i", 16);
        shortKey.putObject("store_as").put("key_type", "HMAC-SHA256");
        assertThat(assertError(m21.post("/derive", shortKey), 400, "INVALID_REQUEST").at("/details/field").asText())
                .isEqualTo("length");
        ObjectNode encryptUsage = hkdf(k, "i", 32);
        encryptUsage.putObject("store_as").put("key_type", "HMAC-SHA256").putArray("key_usage").add("encrypt");
        assertThat(assertError(m21.post("/derive", encryptUsage), 400, "INVALID_REQUEST").at("/details/field").asText())
                .isEqualTo("key_usage");
        ObjectNode signingType = hkdf(k, "i", 32);
        signingType.putObject("store_as").put("key_type", "Ed25519");
        JsonNode error = assertError(m21.post("/derive", signingType), 400, "INVALID_REQUEST");
        assertThat(error.at("/details/field").asText()).isEqualTo("store_as.key_type");
        assertThat(error.get("message").asText()).contains("AES-256", "HMAC-SHA256");
        ObjectNode unknownType = hkdf(k, "i", 32);
        unknownType.putObject("store_as").put("key_type", "HMAC-SHA512");
        assertThat(assertError(m21.post("/derive", unknownType), 400, "INVALID_REQUEST").at("/details/field").asText())
                .isEqualTo("store_as.key_type");
    }

    /** /mac with the stored key equals the JDK's HMAC keyed with {@code derived}; /mac/verify accepts it and refuses another. */
    static void assertMacsLike(String keyId, byte[] derived) throws Exception {
        byte[] data = "authenticate me".getBytes(StandardCharsets.UTF_8);
        KmsClient.Response mac = m21.post("/mac", KmsClient.scope(T, "dev", "tenant").put("key_id", keyId)
                .put("data", B64.encodeToString(data)));
        assertThat(mac.status()).as(mac.body()).isEqualTo(200);
        assertThat(mac.text("algorithm")).isEqualTo("HMAC-SHA256");
        assertThat(DB64.decode(mac.text("mac"))).isEqualTo(hmac(derived, data));
        KmsClient.Response valid = m21.post("/mac/verify", KmsClient.scope(T, "dev", "tenant").put("key_id", keyId)
                .put("data", B64.encodeToString(data)).put("mac", B64.encodeToString(hmac(derived, data))));
        assertThat(valid.status()).as(valid.body()).isEqualTo(200);
        assertThat(valid.json().get("valid").asBoolean()).isTrue();
        KmsClient.Response invalid = m21.post("/mac/verify", KmsClient.scope(T, "dev", "tenant").put("key_id", keyId)
                .put("data", B64.encodeToString(data)).put("mac", B64.encodeToString(hmac(new byte[32], data))));
        assertThat(invalid.json().get("valid").asBoolean()).isFalse();
    }

    static byte[] hmac(byte[] key, byte[] data) throws Exception {
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(data);
    }

    /** An AES-256 key holding {@code material}, imported (BYOK) so the test knows its bytes. */
    static String importedAes(byte[] material, String... usage) throws Exception {
        KmsClient.Response params = m21.post("/keys/import-params", KmsClient.scope(T, "dev", "tenant")
                .put("key_type", "AES-256"));
        assertThat(params.status()).as(params.body()).isEqualTo(200);
        java.security.PublicKey wrapping = java.security.KeyFactory.getInstance("RSA").generatePublic(
                new java.security.spec.X509EncodedKeySpec(DB64.decode(params.text("wrapping_public_key")
                        .replaceAll("-----[A-Z ]+-----|\\s", ""))));
        ObjectNode body = KmsClient.scope(T, "dev", "tenant").put("import_token", params.text("import_token"))
                .put("wrapped_key_material", B64.encodeToString(KeyImportWrapping.wrapForImport(wrapping, material)));
        var array = body.putArray("key_usage");
        for (String u : usage) {
            array.add(u);
        }
        KmsClient.Response imported = m21.post("/keys/import", body);
        assertThat(imported.status()).as(imported.body()).isEqualTo(201);
        return imported.text("key_id");
    }

    @Test
    void pbkdf2MatchesTheJdkWithTheDefault600000IterationsAndStoresWhenAsked() throws Exception {
        KmsClient.Response r = m21.post("/derive", pbkdf2("correct horse battery staple"));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        byte[] expected = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(
                new PBEKeySpec("correct horse battery staple".toCharArray(), SALT, 600_000, 256)).getEncoded();
        assertThat(DB64.decode(r.text("derived"))).isEqualTo(expected);
        assertThat(m21.get("/receipts/" + r.text("receipt_id")).json().toString())
                .doesNotContain("correct horse").doesNotContain(r.text("derived"));

        ObjectNode store = pbkdf2("correct horse battery staple");
        store.putObject("store_as").put("key_type", "AES-256");
        KmsClient.Response stored = m21.post("/derive", store);
        assertThat(stored.status()).as(stored.body()).isEqualTo(201);
        String newKey = stored.json().at("/key/key_id").asText();
        assertThat(decryptLocally(expected, m21.encrypt(T, newKey, "hello".getBytes(), null, null))).isEqualTo("hello");
        JsonNode receipt = m21.get("/receipts/" + stored.text("receipt_id")).json().get("receipt");
        assertThat(receipt.get("kms_context").get("key_id").asText()).isEqualTo(newKey);
    }

    @Test
    void badRequestsAre4xxNamingTheField() {
        String k = key("AES-256", "derive");
        List<Object[]> cases = new ArrayList<>();
        cases.add(new Object[] {KmsClient.scope(T, "dev", "tenant").put("key_id", k), "method"});
        cases.add(new Object[] {hkdf(k, "i", 32).put("method", "HKDF-SHA1"), "method"});
        cases.add(new Object[] {hkdf(k, "i", 0), "length"});
        cases.add(new Object[] {hkdf(k, "i", 1025), "length"});
        cases.add(new Object[] {hkdf(k, "i", 32).put("length", "32"), "length"});
        cases.add(new Object[] {hkdf(k, "i", 32).put("salt", "%%%"), "salt"});
        cases.add(new Object[] {hkdf(k, "i", 32).put("password", "pw"), "password"});
        cases.add(new Object[] {hkdf(k, "i", 32).put("iterations", 600000), "iterations"});
        ObjectNode noKey = hkdf(k, "i", 32);
        noKey.remove("key_id");
        cases.add(new Object[] {noKey, "key_id"});
        cases.add(new Object[] {pbkdf2("pw").put("key_id", k), "key_id"});
        cases.add(new Object[] {pbkdf2("pw").put("salt", B64.encodeToString(new byte[15])), "salt"});
        ObjectNode noSalt = pbkdf2("pw");
        noSalt.remove("salt");
        cases.add(new Object[] {noSalt, "salt"});
        cases.add(new Object[] {pbkdf2("pw").put("iterations", 599_999), "iterations"});
        cases.add(new Object[] {pbkdf2("pw").put("iterations", 10_000_001), "iterations"});
        cases.add(new Object[] {pbkdf2("").put("iterations", 600_000), "password"});
        cases.add(new Object[] {pbkdf2("pw").put("info", "AA=="), "info"});
        ObjectNode wrongSize = hkdf(k, "i", 16);
        wrongSize.putObject("store_as").put("key_type", "AES-256");
        cases.add(new Object[] {wrongSize, "length"});
        ObjectNode wrongType = hkdf(k, "i", 32);
        wrongType.putObject("store_as").put("key_type", "RSA-2048");
        cases.add(new Object[] {wrongType, "store_as.key_type"});
        ObjectNode badUsage = hkdf(k, "i", 32);
        badUsage.putObject("store_as").put("key_type", "AES-256").putArray("key_usage").add("sign");
        cases.add(new Object[] {badUsage, "key_usage"});
        ObjectNode unknownInStore = hkdf(k, "i", 32);
        unknownInStore.putObject("store_as").put("key_type", "AES-256").put("material", "x");
        cases.add(new Object[] {unknownInStore, "store_as.material"});
        cases.add(new Object[] {hkdf(k, "i", 32).put("extra", 1), "extra"});
        for (Object[] c : cases) {
            JsonNode error = assertError(m21.post("/derive", c[0]), 400, "INVALID_REQUEST");
            assertThat(error.at("/details/field").asText()).as("%s", c[0]).isEqualTo(c[1]);
        }
    }

    @Test
    void aKeyMustAllowDeriveAndBeTheCallersTenants() {
        String encryptOnly = key("AES-256", "encrypt", "decrypt");
        assertError(m21.post("/derive", hkdf(encryptOnly, "i", 32)), 403, "POLICY_VIOLATION");
        String signing = key("Ed25519", "sign", "verify");
        assertError(m21.post("/derive", hkdf(signing, "i", 32)), 400, "INVALID_REQUEST");
        assertError(m21.post("/derive", hkdf("01234567-89ab-7def-8123-456789abcdef", "i", 32)), 404, "KEY_NOT_FOUND");
        KmsClient other = node.client("M22", "tenant-other");
        String theirs = other.createKey("tenant-other", "AES-256", "derive").text("key_id");
        assertError(m21.post("/derive", hkdf(theirs, "i", 32)), 404, "KEY_NOT_FOUND");
        assertError(m21.post("/derive", hkdf(theirs, "i", 32).put("tenant_id", "tenant-other")), 403, "UNAUTHORIZED");
        ObjectNode notMine = pbkdf2("pw-pw-pw-pw").put("tenant_id", "tenant-other");
        assertError(m21.post("/derive", notMine), 403, "UNAUTHORIZED");
        KmsClient outsider = node.client("M99", T);
        String k = key("AES-256", "derive");
        assertError(outsider.post("/derive", hkdf(k, "i", 32)), 403, "POLICY_VIOLATION");
    }

    @Test
    void derivationsAreAnnouncedWithoutTheirBytes() {
        String k = key("AES-256", "derive");
        KmsClient.Response r = m21.post("/derive", hkdf(k, "evt", 32));
        List<JsonNode> events = new ArrayList<>();
        m21.get("/events?limit=1000&after=0").json().get("events").forEach(e -> events.add(e.get("event")));
        JsonNode event = events.stream().filter(e -> e.get("event_type").asText().equals("key_derived")
                && e.at("/payload/operation_id").asText().equals(r.text("receipt_id"))).findFirst().orElseThrow();
        assertThat(event.at("/payload/key_id").asText()).isEqualTo(k);
        assertThat(event.at("/payload/method").asText()).isEqualTo("HKDF-SHA256");
        assertThat(event.toString()).doesNotContain(r.text("derived"));
    }

    static String decryptLocally(byte[] key, KmsClient.Response encrypted) throws Exception {
        assertThat(encrypted.status()).as(encrypted.body()).isEqualTo(200);
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, DB64.decode(encrypted.text("iv"))));
        return new String(c.doFinal(DB64.decode(encrypted.text("ciphertext"))), StandardCharsets.UTF_8);
    }
}
