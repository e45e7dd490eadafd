package com.zeroui.kms.api;

import static com.zeroui.kms.support.ErrorResponseAssert.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.zeroui.kms.support.KmsClient;
import com.zeroui.kms.support.TestNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CryptoApiIT {
    static TestNode node;
    static KmsClient m21;
    static final String T = "tenant-a";

    @BeforeAll
    static void start() {
        node = TestNode.start();
        m21 = node.client("M21", T);
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

    @ParameterizedTest
    @CsvSource({"RSA-2048,,RS256", "RSA-2048,RS256,RS256", "RSA-2048,PS256,PS256", "Ed25519,,EdDSA", "Ed25519,EdDSA,EdDSA"})
    void signsAndVerifiesWithEachAlgorithm(String type, String requested, String expected) {
        String keyId = newKey(type, "sign", "verify");
        byte[] data = "payload".getBytes(StandardCharsets.UTF_8);
        KmsClient.Response signed = m21.sign(T, keyId, data, requested);
        assertThat(signed.status()).as(signed.body()).isEqualTo(200);
        assertThat(signed.text("algorithm")).isEqualTo(expected);
        assertThat(signed.text("key_id")).isEqualTo(keyId);

        KmsClient.Response ok = m21.verify(T, keyId, data, signed.text("signature"), requested);
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.json().get("valid").asBoolean()).isTrue();
        assertThat(ok.text("algorithm")).isEqualTo(expected);

        KmsClient.Response tampered = m21.verify(T, keyId, "other".getBytes(StandardCharsets.UTF_8), signed.text("signature"), requested);
        assertThat(tampered.status()).isEqualTo(200);
        assertThat(tampered.json().get("valid").asBoolean()).isFalse();
    }

    @Test
    void mismatchedAlgorithmIsBadRequest() {
        String rsa = newKey("RSA-2048", "sign", "verify");
        assertError(m21.sign(T, rsa, new byte[] {1}, "EdDSA"), 400, "INVALID_REQUEST");
        String ed = newKey("Ed25519", "sign", "verify");
        assertError(m21.sign(T, ed, new byte[] {1}, "RS256"), 400, "INVALID_REQUEST");
        assertError(m21.sign(T, ed, new byte[] {1}, "HS256"), 400, "INVALID_REQUEST");
    }

    @Test
    void ed25519SignatureWithTrailingByteIsInvalidNotAccepted() {
        String ed = newKey("Ed25519", "sign", "verify");
        byte[] data = {1, 2, 3};
        byte[] sig = Base64.getDecoder().decode(m21.sign(T, ed, data, null).text("signature"));
        byte[] longer = java.util.Arrays.copyOf(sig, 65); // trailing zero: JDK-8285389
        KmsClient.Response r = m21.verify(T, ed, data, Base64.getEncoder().encodeToString(longer), null);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("valid").asBoolean()).isFalse();
    }

    @ParameterizedTest
    @CsvSource({"AES-256-GCM", "CHACHA20-POLY1305", "''"})
    void encryptsAndDecryptsWithAad(String algorithm) {
        String alg = algorithm.isEmpty() ? null : algorithm;
        String key = newKey("AES-256", "encrypt", "decrypt");
        byte[] plaintext = "secret data".getBytes(StandardCharsets.UTF_8);
        byte[] aad = "context".getBytes(StandardCharsets.UTF_8);
        KmsClient.Response enc = m21.encrypt(T, key, plaintext, aad, alg);
        assertThat(enc.status()).as(enc.body()).isEqualTo(200);
        assertThat(enc.text("algorithm")).isEqualTo(alg == null ? "AES-256-GCM" : alg);
        assertThat(Base64.getDecoder().decode(enc.text("iv"))).hasSize(12);
        assertThat(Base64.getDecoder().decode(enc.text("ciphertext"))).hasSize(plaintext.length + 16);

        KmsClient.Response dec = m21.decrypt(T, key, enc.text("ciphertext"), enc.text("iv"), aad, alg);
        assertThat(dec.status()).as(dec.body()).isEqualTo(200);
        assertThat(Base64.getDecoder().decode(dec.text("plaintext"))).isEqualTo(plaintext);
    }

    @Test
    void everyAuthenticationFailureHasOneConstantMessage() {
        String key = newKey("AES-256", "encrypt", "decrypt");
        byte[] aad = "ctx".getBytes(StandardCharsets.UTF_8);
        KmsClient.Response enc = m21.encrypt(T, key, "hello".getBytes(StandardCharsets.UTF_8), aad, null);
        byte[] ct = Base64.getDecoder().decode(enc.text("ciphertext"));
        byte[] flipped = ct.clone();
        flipped[0] ^= 1;
        byte[] iv = Base64.getDecoder().decode(enc.text("iv"));
        byte[] otherIv = iv.clone();
        otherIv[11] ^= 1;
        String b64 = enc.text("ciphertext");
        String otherKey = newKey("AES-256", "encrypt", "decrypt");

        var failures = java.util.List.of(
                m21.decrypt(T, key, Base64.getEncoder().encodeToString(flipped), enc.text("iv"), aad, null),
                m21.decrypt(T, key, b64, Base64.getEncoder().encodeToString(otherIv), aad, null),
                m21.decrypt(T, key, b64, enc.text("iv"), "other".getBytes(StandardCharsets.UTF_8), null),
                m21.decrypt(T, key, b64, enc.text("iv"), null, null),
                m21.decrypt(T, key, b64, enc.text("iv"), aad, "CHACHA20-POLY1305"),
                m21.decrypt(T, otherKey, b64, enc.text("iv"), aad, null),
                m21.decrypt(T, key, Base64.getEncoder().encodeToString(new byte[5]), enc.text("iv"), aad, null));
        var messages = failures.stream().map(r -> assertError(r, 400, "INVALID_REQUEST").get("message").asText())
                .distinct().toList();
        assertThat(messages).hasSize(1);
    }

    @Test
    void keyUsageIsEnforced() {
        String signOnly = newKey("Ed25519", "sign");
        assertError(m21.verify(T, signOnly, new byte[] {1}, Base64.getEncoder().encodeToString(new byte[64]), null),
                403, "POLICY_VIOLATION");
        String aes = newKey("AES-256", "encrypt", "decrypt");
        assertError(m21.sign(T, aes, new byte[] {1}, null), 400, "INVALID_REQUEST");
        String rsa = newKey("RSA-2048", "sign", "verify");
        assertError(m21.encrypt(T, rsa, new byte[] {1}, null, null), 400, "INVALID_REQUEST");
        String encryptOnly = newKey("AES-256", "encrypt");
        KmsClient.Response enc = m21.encrypt(T, encryptOnly, new byte[] {1}, null, null);
        assertThat(enc.status()).isEqualTo(200);
        assertError(m21.decrypt(T, encryptOnly, enc.text("ciphertext"), enc.text("iv"), null, null), 403, "POLICY_VIOLATION");
    }

    @Test
    void loneSurrogateInAStringFieldIsABadRequestNamingIt() {
        String body = "{\"tenant_id\":\"" + T + "\",\"environment\":\"dev\",\"plane\":\"tenant\","
                + "\"key_id\":\"\\ud800\",\"data\":\"AQ==\"}";
        var error = assertError(m21.post("/sign", body), 400, "INVALID_REQUEST");
        assertThat(error.get("details").get("field").asText()).isEqualTo("key_id");
    }

    @Test
    void badIvLengthNamesTheField() {
        String key = newKey("AES-256", "encrypt", "decrypt");
        var error = assertError(m21.decrypt(T, key, Base64.getEncoder().encodeToString(new byte[32]),
                Base64.getEncoder().encodeToString(new byte[8]), null, null), 400, "INVALID_REQUEST");
        assertThat(error.path("details").path("field").asText()).isEqualTo("iv");
    }
}
