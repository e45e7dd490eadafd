package com.zeroui.kms.api;

import static com.zeroui.kms.support.ErrorResponseAssert.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.zeroui.kms.support.KmsClient;
import com.zeroui.kms.support.TestNode;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.ECPublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ECDSA-P256 keys (ES256) through a real server: sign and verify, signatures checked by independent
 * verifiers (the openssl CLI on the DER form, nimbus-jose-jwt on a compact JWS), the SPKI PEM and the
 * {@code kty: EC} JWK (RFC 7518 §6.2.1) parsed by nimbus, the JWKS, tenancy and bad input.
 */
class EcdsaKeysIT {
    static TestNode node;
    static KmsClient m21;
    static KmsClient other;
    static final String T = "tenant-ec";
    static final byte[] DATA = "es256 through the api".getBytes(StandardCharsets.UTF_8);
    static final Base64.Encoder B64 = Base64.getEncoder();
    static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

    @TempDir
    Path work;

    @BeforeAll
    static void start() {
        node = TestNode.start();
        m21 = node.client("M21", T);
        other = node.client("M21", "tenant-o");
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    private static String newKey() {
        KmsClient.Response r = m21.createKey(T, "ECDSA-P256", "sign", "verify");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(r.text("key_type")).isEqualTo("ECDSA-P256");
        return r.text("key_id");
    }

    private static boolean valid(String keyId, byte[] data, byte[] signature) {
        KmsClient.Response r = m21.verify(T, keyId, data, B64.encodeToString(signature), null);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().get("valid").asBoolean();
    }

    @Test
    void signaturesAreRawRAndSThatOpensslVerifiesAndBadOnesAreFalse() throws Exception {
        String keyId = newKey();
        KmsClient.Response signed = m21.sign(T, keyId, DATA, null);
        assertThat(signed.status()).as(signed.body()).isEqualTo(200);
        assertThat(signed.text("algorithm")).isEqualTo("ES256");
        byte[] signature = Base64.getDecoder().decode(signed.text("signature"));
        assertThat(signature).hasSize(64);
        assertThat(m21.verify(T, keyId, DATA, signed.text("signature"), "ES256").json().get("valid").asBoolean()).isTrue();

        // openssl: the published SPKI PEM, the r‖s signature re-encoded as the DER SEQUENCE {r, s} it expects
        Path pem = Files.writeString(work.resolve("pub.pem"), m21.get("/keys/" + keyId + "/public").text("public_key"));
        Path data = Files.write(work.resolve("data.bin"), DATA);
        Path der = Files.write(work.resolve("sig.der"), der(signature));
        assertThat(openssl("dgst", "-sha256", "-verify", pem.toString(), "-signature", der.toString(), data.toString()))
                .contains("Verified OK");
        Files.write(work.resolve("other.bin"), "other".getBytes(StandardCharsets.UTF_8));
        assertThat(openssl("dgst", "-sha256", "-verify", pem.toString(), "-signature", der.toString(),
                work.resolve("other.bin").toString())).contains("Verification failure");

        assertThat(valid(keyId, "other".getBytes(StandardCharsets.UTF_8), signature)).isFalse();
        byte[] flipped = signature.clone();
        flipped[10] ^= 1;
        BigInteger n = new BigInteger("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551", 16);
        byte[] rIsN = signature.clone();
        System.arraycopy(n.toByteArray(), 1, rIsN, 0, 32);
        for (byte[] wrong : List.of(flipped, rIsN, new byte[64], Arrays.copyOf(signature, 63), Arrays.copyOf(signature, 65),
                der(signature), new byte[0])) {
            assertThat(valid(keyId, DATA, wrong)).as("signature of %d bytes", wrong.length).isFalse();
        }
    }

    @Test
    void jwkIsKtyEcWithFixedLengthCoordinatesAndNimbusVerifiesACompactJws() throws Exception {
        String keyId = newKey();
        JsonNode published = m21.get("/keys/" + keyId + "/public").json();
        assertThat(published.get("algorithm").asText()).isEqualTo("ES256");
        JsonNode jwk = published.get("jwk");
        assertThat(jwk.get("kty").asText()).isEqualTo("EC");
        assertThat(jwk.get("crv").asText()).isEqualTo("P-256");
        assertThat(jwk.get("alg").asText()).isEqualTo("ES256");
        assertThat(jwk.get("use").asText()).isEqualTo("sig");
        assertThat(jwk.get("kid").asText()).isEqualTo(keyId);
        assertThat(jwk.has("d")).isFalse();
        for (String coordinate : List.of("x", "y")) {
            // 32 bytes are 43 unpadded base64url characters, whatever the leading bytes
            assertThat(jwk.get(coordinate).asText()).hasSize(43).matches("[A-Za-z0-9_-]+");
        }

        ECKey parsed = (ECKey) JWK.parse(jwk.toString());
        assertThat(parsed.getCurve()).isEqualTo(Curve.P_256);
        assertThat(parsed.isPrivate()).isFalse();
        byte[] spki = Base64.getMimeDecoder().decode(published.get("public_key").asText().replaceAll("-----[A-Z ]+-----", ""));
        ECPublicKey fromJwk = parsed.toECPublicKey();
        assertThat(fromJwk.getEncoded()).isEqualTo(spki);

        // a compact JWS whose signature the service made over "header.payload": ES256 as RFC 7515 means it
        String input = B64URL.encodeToString(("{\"alg\":\"ES256\",\"kid\":\"" + keyId + "\"}").getBytes(StandardCharsets.UTF_8))
                + "." + B64URL.encodeToString("{\"sub\":\"m21\"}".getBytes(StandardCharsets.UTF_8));
        byte[] signature = Base64.getDecoder().decode(m21.sign(T, keyId, input.getBytes(StandardCharsets.US_ASCII), "ES256")
                .text("signature"));
        JWSObject jws = JWSObject.parse(input + "." + B64URL.encodeToString(signature));
        assertThat(jws.verify(new ECDSAVerifier(parsed))).isTrue();
        assertThat(JWSObject.parse(input + "." + B64URL.encodeToString(der(signature))).verify(new ECDSAVerifier(parsed)))
                .as("the DER form is not a JWS signature").isFalse();

        JsonNode jwks = m21.get("/jwks?tenant_id=" + T + "&environment=dev&plane=tenant").json();
        List<JsonNode> listed = new ArrayList<>();
        jwks.get("keys").forEach(k -> {
            if (k.get("kid").asText().equals(keyId)) {
                listed.add(k);
            }
        });
        assertThat(listed).containsExactly(jwk);
        assertThat(node.admin().get("/config").json().get("allowed_algorithms").toString()).contains("ES256");
    }

    @Test
    void otherTenantsAndBadRequestsGetClearErrors() {
        String keyId = newKey();
        String signature = m21.sign(T, keyId, DATA, null).text("signature");
        ObjectNode otherScope = KmsClient.scope("tenant-o", "dev", "tenant").put("key_id", keyId)
                .put("data", B64.encodeToString(DATA));
        assertError(other.post("/sign", otherScope), 404, "KEY_NOT_FOUND");
        assertError(other.post("/verify", otherScope.deepCopy().put("signature", signature)), 404, "KEY_NOT_FOUND");
        assertError(other.get("/keys/" + keyId + "/public?tenant_id=tenant-o"), 404, "KEY_NOT_FOUND");

        assertThat(assertError(m21.sign(T, keyId, DATA, "EdDSA"), 400, "INVALID_REQUEST").toString()).contains("ECDSA-P256");
        assertThat(assertError(m21.sign(T, keyId, DATA, "ES384"), 400, "INVALID_REQUEST").toString()).contains("algorithm");
        assertThat(assertError(m21.verify(T, keyId, DATA, "%%%", null), 400, "INVALID_REQUEST").toString())
                .contains("signature");
        ObjectNode body = KmsClient.scope(T, "dev", "tenant").put("key_id", keyId);
        assertThat(assertError(m21.post("/sign", body), 400, "INVALID_REQUEST").toString()).contains("data");
        assertThat(assertError(m21.post("/sign", body.deepCopy().put("data", B64.encodeToString(DATA)).put("curve", "P-384")),
                400, "INVALID_REQUEST").toString()).contains("curve");
        assertError(m21.raw("POST", "/sign", "application/json", "{".getBytes(StandardCharsets.UTF_8)), 400, "INVALID_REQUEST");
        // signing keys do not encrypt, and ECDSA keys take no encryption usage
        assertError(m21.encrypt(T, keyId, DATA, null, null), 400, "INVALID_REQUEST");
        assertError(m21.createKey(T, "ECDSA-P256", "encrypt"), 400, "INVALID_REQUEST");
        assertError(m21.createKey(T, "ECDSA-P384", "sign"), 400, "INVALID_REQUEST");
    }

    /** r‖s as the DER {@code SEQUENCE {INTEGER r, INTEGER s}} of RFC 3279, written out here as openssl needs it. */
    static byte[] der(byte[] raw) {
        byte[] r = integer(Arrays.copyOfRange(raw, 0, raw.length / 2));
        byte[] s = integer(Arrays.copyOfRange(raw, raw.length / 2, raw.length));
        byte[] out = new byte[2 + r.length + s.length];
        out[0] = 0x30;
        out[1] = (byte) (r.length + s.length);
        System.arraycopy(r, 0, out, 2, r.length);
        System.arraycopy(s, 0, out, 2 + r.length, s.length);
        return out;
    }

    private static byte[] integer(byte[] unsigned) {
        byte[] value = new BigInteger(1, unsigned).toByteArray(); // minimal, with a 0 byte when the top bit is set
        byte[] out = new byte[2 + value.length];
        out[0] = 0x02;
        out[1] = (byte) value.length;
        System.arraycopy(value, 0, out, 2, value.length);
        return out;
    }

    private String openssl(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
}
