package com.zeroui.kms.api;

import static com.zeroui.kms.support.ErrorResponseAssert.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zeroui.kms.events.EventFeedIT;
import com.zeroui.kms.support.KmsClient;
import com.zeroui.kms.support.TestNode;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The two key types added through the registry, through a real server: HMAC-SHA256 keys with
 * POST /mac and /mac/verify, and ML-DSA-65 signing keys (sign/verify, SPKI PEM, JWK kty AKP, JWKS),
 * with receipts, events, tenancy, policy and bad input.
 */
class NewKeyTypesIT {
    static TestNode node;
    static KmsClient m21;
    static KmsClient other;
    static KmsClient otherModule;
    static final String T = "tenant-n";
    static final byte[] DATA = "new key types".getBytes(StandardCharsets.UTF_8);
    static final Base64.Encoder B64 = Base64.getEncoder();

    @BeforeAll
    static void start() {
        node = TestNode.start();
        m21 = node.client("M21", T);
        other = node.client("M21", "tenant-o");
        otherModule = node.client("M27", T);
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    private static String newKey(String type, String... usage) {
        KmsClient.Response r = m21.createKey(T, type, usage);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.text("key_id");
    }

    private static ObjectNode macBody(String keyId, byte[] data) {
        return KmsClient.scope(T, "dev", "tenant").put("key_id", keyId).put("data", B64.encodeToString(data));
    }

    // ---- HMAC-SHA256 ---------------------------------------------------------------------------------

    @Test
    void hmacKeysComputeAndVerifyFullTagsWithReceiptsAndEvents() throws Exception {
        String cursor = EventFeedIT.latestCursor(m21);
        String keyId = newKey("HMAC-SHA256", "mac", "mac_verify");
        JsonNode metadata = m21.get("/keys/" + keyId).json();
        assertThat(metadata.get("key_type").asText()).isEqualTo("HMAC-SHA256");
        assertThat(metadata.get("public_key").isNull()).isTrue();

        KmsClient.Response tagged = m21.post("/mac", macBody(keyId, DATA));
        assertThat(tagged.status()).as(tagged.body()).isEqualTo(200);
        assertThat(tagged.text("algorithm")).isEqualTo("HMAC-SHA256");
        byte[] tag = Base64.getDecoder().decode(tagged.text("mac"));
        assertThat(tag).hasSize(32);
        assertThat(tagged.headers().get("x-kms-receipt-id").get(0)).isEqualTo(tagged.text("receipt_id"));
        // deterministic: the same data gives the same tag, other data another
        assertThat(m21.post("/mac", macBody(keyId, DATA)).text("mac")).isEqualTo(tagged.text("mac"));
        assertThat(m21.post("/mac", macBody(keyId, "other".getBytes())).text("mac")).isNotEqualTo(tagged.text("mac"));

        KmsClient.Response ok = m21.post("/mac/verify", macBody(keyId, DATA).put("mac", tagged.text("mac")));
        assertThat(ok.status()).as(ok.body()).isEqualTo(200);
        assertThat(ok.json().get("valid").asBoolean()).isTrue();
        byte[] flipped = tag.clone();
        flipped[31] ^= 1;
        for (byte[] wrong : List.of(flipped, Arrays.copyOf(tag, 16), Arrays.copyOf(tag, 33), new byte[0])) {
            KmsClient.Response bad = m21.post("/mac/verify", macBody(keyId, DATA).put("mac", B64.encodeToString(wrong)));
            assertThat(bad.status()).as(bad.body()).isEqualTo(200);
            assertThat(bad.json().get("valid").asBoolean()).as("tag of %d bytes", wrong.length).isFalse();
        }

        JsonNode receipt = m21.get("/receipts/" + tagged.text("receipt_id")).json().get("receipt");
        assertThat(receipt.get("operation").asText()).isEqualTo("mac_created");
        assertThat(receipt.at("/kms_context/key_id").asText()).isEqualTo(keyId);
        assertThat(receipt.toString()).doesNotContain(B64.encodeToString(DATA)).doesNotContain(tagged.text("mac"));

        List<String> types = new ArrayList<>();
        EventFeedIT.eventsAfter(m21, cursor).forEach(e -> types.add(e.get("event_type").asText()));
        assertThat(types).startsWith("key_generated", "mac_created", "mac_created", "mac_created", "mac_verified");
        assertThat(types).filteredOn("mac_verified"::equals).hasSize(5);
        assertThat(node.admin().get("/config").json().get("allowed_algorithms").toString()).contains("HMAC-SHA256");
    }

    @Test
    void hmacKeysAreRefusedForOtherOperationsAndOtherCallers() {
        String keyId = newKey("HMAC-SHA256", "mac");
        String tag = m21.post("/mac", macBody(keyId, DATA)).text("mac");
        assertError(m21.post("/mac/verify", macBody(keyId, DATA).put("mac", tag)), 403, "POLICY_VIOLATION");
        assertError(m21.sign(T, keyId, DATA, null), 400, "INVALID_REQUEST");
        assertError(m21.encrypt(T, keyId, DATA, null, null), 400, "INVALID_REQUEST");
        assertError(m21.get("/keys/" + keyId + "/public"), 400, "INVALID_REQUEST");
        // another tenant's key is the same 404 as an unknown one; another module is outside the policy
        assertError(other.post("/mac", KmsClient.scope("tenant-o", "dev", "tenant").put("key_id", keyId)
                .put("data", B64.encodeToString(DATA))), 404, "KEY_NOT_FOUND");
        assertError(other.post("/mac", macBody(keyId, DATA)), 403, "UNAUTHORIZED");
        assertError(otherModule.post("/mac", macBody(keyId, DATA)), 403, "POLICY_VIOLATION");
        // keys of other types cannot MAC; usages of other types are refused at creation
        String aes = newKey("AES-256", "encrypt", "decrypt");
        assertError(m21.post("/mac", macBody(aes, DATA)), 400, "INVALID_REQUEST");
        assertError(m21.createKey(T, "HMAC-SHA256", "sign"), 400, "INVALID_REQUEST");
        assertError(m21.createKey(T, "AES-256", "mac"), 400, "INVALID_REQUEST");
    }

    @Test
    void malformedMacRequestsAreBadRequestsNamingTheField() {
        String keyId = newKey("HMAC-SHA256", "mac", "mac_verify");
        JsonNode e = assertError(m21.post("/mac", KmsClient.scope(T, "dev", "tenant").put("key_id", keyId)), 400,
                "INVALID_REQUEST");
        assertThat(e.toString()).contains("data");
        assertThat(assertError(m21.post("/mac", macBody(keyId, DATA).put("data", "%%%")), 400, "INVALID_REQUEST")
                .toString()).contains("data");
        assertThat(assertError(m21.post("/mac", macBody(keyId, DATA).put("extra", 1)), 400, "INVALID_REQUEST")
                .toString()).contains("extra");
        assertThat(assertError(m21.post("/mac", macBody(keyId, DATA).put("algorithm", "HMAC-MD5")), 400,
                "INVALID_REQUEST").toString()).contains("algorithm");
        assertThat(assertError(m21.post("/mac/verify", macBody(keyId, DATA)), 400, "INVALID_REQUEST").toString())
                .contains("mac");
        assertThat(assertError(m21.post("/mac/verify", macBody(keyId, DATA).put("mac", 7)), 400, "INVALID_REQUEST")
                .toString()).contains("mac");
        assertError(m21.raw("POST", "/mac", "application/json", "{".getBytes()), 400, "INVALID_REQUEST");
    }

    /** Each key has its own secret: two keys give different tags for the same data. */
    @Test
    void tagsDependOnTheKey() {
        String a = newKey("HMAC-SHA256", "mac");
        String b = newKey("HMAC-SHA256", "mac");
        assertThat(m21.post("/mac", macBody(a, DATA)).text("mac")).isNotEqualTo(m21.post("/mac", macBody(b, DATA)).text("mac"));
    }

    // ---- ML-DSA-65 -----------------------------------------------------------------------------------

    @Test
    void mlDsaKeysSignVerifyAndPublishSpkiAndAnAkpJwk() throws Exception {
        String keyId = newKey("ML-DSA-65", "sign", "verify");
        KmsClient.Response signed = m21.sign(T, keyId, DATA, null);
        assertThat(signed.status()).as(signed.body()).isEqualTo(200);
        assertThat(signed.text("algorithm")).isEqualTo("ML-DSA-65");
        byte[] signature = Base64.getDecoder().decode(signed.text("signature"));
        assertThat(signature).hasSize(3309);
        assertThat(m21.verify(T, keyId, DATA, signed.text("signature"), "ML-DSA-65").json().get("valid").asBoolean()).isTrue();
        assertThat(m21.verify(T, keyId, "x".getBytes(), signed.text("signature"), null).json().get("valid").asBoolean())
                .isFalse();
        assertThat(m21.verify(T, keyId, DATA, B64.encodeToString(Arrays.copyOf(signature, 3310)), null)
                .json().get("valid").asBoolean()).isFalse();
        assertError(m21.sign(T, keyId, DATA, "EdDSA"), 400, "INVALID_REQUEST");

        JsonNode published = m21.get("/keys/" + keyId + "/public").json();
        assertThat(published.get("key_type").asText()).isEqualTo("ML-DSA-65");
        assertThat(published.get("algorithm").asText()).isEqualTo("ML-DSA-65");
        String pem = published.get("public_key").asText();
        assertThat(pem).startsWith("-----BEGIN PUBLIC KEY-----");
        byte[] spki = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
        // an independent verifier: Bouncy Castle, from the published SPKI
        BouncyCastleProvider bc = new BouncyCastleProvider();
        PublicKey key = KeyFactory.getInstance("ML-DSA-65", bc).generatePublic(new X509EncodedKeySpec(spki));
        Signature verifier = Signature.getInstance("ML-DSA", bc);
        verifier.initVerify(key);
        verifier.update(DATA);
        assertThat(verifier.verify(signature)).isTrue();

        JsonNode jwk = published.get("jwk");
        assertThat(jwk.get("kty").asText()).isEqualTo("AKP");
        assertThat(jwk.get("alg").asText()).isEqualTo("ML-DSA-65");
        assertThat(jwk.get("kid").asText()).isEqualTo(keyId);
        assertThat(jwk.get("use").asText()).isEqualTo("sig");
        byte[] pub = Base64.getUrlDecoder().decode(jwk.get("pub").asText());
        assertThat(pub).hasSize(1952).isEqualTo(Arrays.copyOfRange(spki, spki.length - 1952, spki.length));
        assertThat(jwk.has("priv")).isFalse();

        JsonNode jwks = m21.get("/jwks?tenant_id=" + T + "&environment=dev&plane=tenant").json();
        List<String> kids = new ArrayList<>();
        jwks.get("keys").forEach(k -> {
            if (k.get("kid").asText().equals(keyId)) {
                assertThat(k).isEqualTo(jwk);
            }
            kids.add(k.get("kid").asText());
        });
        assertThat(kids).contains(keyId);
    }

    @Test
    void mlDsaKeysAreSoftwareOnly() {
        ObjectNode body = KmsClient.scope(T, "dev", "tenant").put("key_type", "ML-DSA-65").put("protection_level", "hsm");
        body.putArray("key_usage").add("sign").add("verify");
        assertThat(assertError(m21.post("/keys", body), 400, "INVALID_REQUEST").toString()).contains("ML-DSA-65");
    }
}
