package com.zeroui.kms.api;

import static com.zeroui.kms.support.ErrorResponseAssert.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.Ed25519Verifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;
import com.zeroui.kms.support.KmsClient;
import com.zeroui.kms.support.TestNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Public keys for verifiers: {@code GET /keys/{key_id}/public} (PEM and JWK) and {@code GET /jwks}.
 * JWTs signed through {@code /sign} verify with nothing but the published JWKS and nimbus-jose-jwt,
 * and the signatures verify with the real {@code openssl} CLI against the published PEM.
 */
class PublicKeysIT {
    static final String TENANT = "t-pk";
    static final String JWKS = "/jwks?tenant_id=" + TENANT + "&environment=dev&plane=tenant";
    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

    static TestNode node;
    static KmsClient m21;
    static KmsClient stranger;
    static String rsa;
    static String ed25519;
    static String aes;
    static String verifyOnly;
    static String prodKey;
    static String foreignKey;

    @TempDir
    Path work;

    @BeforeAll
    static void start() {
        node = TestNode.start();
        m21 = node.client("M21", TENANT);
        stranger = node.client("M21", "t-other");
        ObjectNode withAlias = KmsClient.scope(TENANT, "dev", "tenant").put("key_type", "RSA-2048").put("key_alias", "iam-jwt");
        withAlias.putArray("key_usage").add("sign").add("verify");
        rsa = created(m21.post("/keys", withAlias));
        ed25519 = created(m21.createKey(TENANT, "Ed25519", "sign", "verify"));
        aes = created(m21.createKey(TENANT, "AES-256", "encrypt", "decrypt"));
        verifyOnly = created(m21.createKey(TENANT, "RSA-2048", "verify"));
        ObjectNode prod = KmsClient.scope(TENANT, "prod", "tenant").put("key_type", "Ed25519");
        prod.putArray("key_usage").add("sign");
        prodKey = created(m21.post("/keys", prod));
        foreignKey = created(stranger.createKey("t-other", "Ed25519", "sign", "verify"));
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    private static String created(KmsClient.Response r) {
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.text("key_id");
    }

    private static byte[] spkiOf(String pem) {
        return Base64.getDecoder().decode(pem.replaceAll("-----(BEGIN|END) PUBLIC KEY-----", "").replaceAll("\\s", ""));
    }

    // ---- GET /keys/{key_id}/public ----------------------------------------------------------------------

    @Test
    void anRsaKeysPublicKeyIsPemAndAnRs256Jwk() throws Exception {
        KmsClient.Response r = m21.get("/keys/" + rsa + "/public");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode body = r.json();
        assertThat(body.get("key_id").asText()).isEqualTo(rsa);
        assertThat(body.get("key_type").asText()).isEqualTo("RSA-2048");
        assertThat(body.get("algorithm").asText()).isEqualTo("RS256");
        assertThat(body.get("key_state").asText()).isEqualTo("active");
        String metadataPem = m21.get("/keys/" + rsa).text("public_key");
        assertThat(body.get("public_key").asText()).isEqualTo(metadataPem).startsWith("-----BEGIN PUBLIC KEY-----");

        JsonNode jwk = body.get("jwk");
        assertThat(jwk.get("kty").asText()).isEqualTo("RSA");
        assertThat(jwk.get("kid").asText()).isEqualTo(rsa);
        assertThat(jwk.get("alg").asText()).isEqualTo("RS256");
        assertThat(jwk.get("use").asText()).isEqualTo("sig");
        assertThat(jwk.get("e").asText()).isEqualTo("AQAB");
        assertThat(jwk.has("d")).isFalse();
        RSAKey parsed = RSAKey.parse(jwk.toString());
        assertThat(parsed.size()).isEqualTo(2048);
        assertThat(parsed.toRSAPublicKey().getEncoded()).isEqualTo(spkiOf(metadataPem));

        String receiptId = r.headers().get("x-kms-receipt-id").get(0);
        assertThat(body.get("receipt_id").asText()).isEqualTo(receiptId);
        JsonNode receipt = m21.get("/receipts/" + receiptId).json().get("receipt");
        assertThat(receipt.get("operation").asText()).isEqualTo("public_key_read");
        assertThat(receipt.at("/kms_context/key_id").asText()).isEqualTo(rsa);
        assertThat(receipt.at("/kms_context/success").asBoolean()).isTrue();
    }

    @Test
    void anEd25519KeysPublicKeyIsAnOkpJwk() throws Exception {
        JsonNode body = m21.get("/keys/" + ed25519 + "/public").json();
        JsonNode jwk = body.get("jwk");
        assertThat(jwk.get("kty").asText()).isEqualTo("OKP");
        assertThat(jwk.get("crv").asText()).isEqualTo("Ed25519");
        assertThat(jwk.get("alg").asText()).isEqualTo("EdDSA");
        assertThat(jwk.get("use").asText()).isEqualTo("sig");
        assertThat(jwk.get("kid").asText()).isEqualTo(ed25519);
        byte[] spki = spkiOf(body.get("public_key").asText());
        byte[] x = OctetKeyPair.parse(jwk.toString()).getDecodedX();
        assertThat(x).hasSize(32).isEqualTo(Arrays.copyOfRange(spki, spki.length - 32, spki.length));
        assertThat(body.get("algorithm").asText()).isEqualTo("EdDSA");
    }

    @Test
    void anAliasWorksAndScopeFiltersApplyAsForMetadataReads() {
        KmsClient.Response byAlias = m21.get("/keys/alias/iam-jwt/public?environment=dev");
        assertThat(byAlias.status()).as(byAlias.body()).isEqualTo(200);
        assertThat(byAlias.text("key_id")).isEqualTo(rsa);
        assertError(m21.get("/keys/" + rsa + "/public?environment=prod"), 404, "KEY_NOT_FOUND");
        assertError(m21.get("/keys/" + rsa + "/public?tenant_id=t-other"), 403, "UNAUTHORIZED");
        assertError(m21.get("/keys/" + rsa + "/public?colour=blue"), 400, "INVALID_REQUEST");
    }

    @Test
    void aSymmetricKeyHasNoPublicKeyAndTheRefusalLeavesAReceipt() {
        KmsClient.Response r = m21.get("/keys/" + aes + "/public");
        JsonNode error = assertError(r, 400, "INVALID_REQUEST");
        assertThat(error.get("message").asText()).contains("symmetric");
        assertThat(error.at("/details/key_type").asText()).isEqualTo("AES-256");
        JsonNode receipt = m21.get("/receipts/" + error.at("/details/receipt_id").asText()).json().get("receipt");
        assertThat(receipt.get("operation").asText()).isEqualTo("public_key_read");
        assertThat(receipt.at("/kms_context/success").asBoolean()).isFalse();
    }

    @Test
    void anotherTenantsKeyIsIndistinguishableFromAnUnknownOne() {
        String unknown = "01900000-0000-7000-8000-000000000000";
        JsonNode foreign = assertError(m21.get("/keys/" + foreignKey + "/public"), 404, "KEY_NOT_FOUND");
        JsonNode missing = assertError(m21.get("/keys/" + unknown + "/public"), 404, "KEY_NOT_FOUND");
        assertThat(foreign.get("message").asText().replace(foreignKey, "X"))
                .isEqualTo(missing.get("message").asText().replace(unknown, "X"));
        assertThat(foreign.get("details").fieldNames()).toIterable()
                .containsExactlyElementsOf(() -> missing.get("details").fieldNames());
    }

    // ---- GET /jwks ----------------------------------------------------------------------------------------

    @Test
    void theJwksHoldsTheScopesSigningKeysAndNeedsNoClientCertificate() throws Exception {
        KmsClient.Response r = node.anonymous().get(JWKS);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.headers()).doesNotContainKey("x-kms-receipt-id");
        JWKSet set = JWKSet.parse(r.body());
        List<String> kids = set.getKeys().stream().map(JWK::getKeyID).toList();
        assertThat(kids).contains(rsa, ed25519).doesNotContain(aes, verifyOnly, prodKey, foreignKey);
        assertThat(set.getKeys()).allSatisfy(k -> {
            assertThat(k.isPrivate()).isFalse();
            assertThat(k.getKeyUse().identifier()).isEqualTo("sig");
        });
        assertThat(set.getKeyByKeyId(rsa).getAlgorithm().getName()).isEqualTo("RS256");
        assertThat(set.getKeyByKeyId(ed25519).getAlgorithm().getName()).isEqualTo("EdDSA");

        JsonNode other = node.anonymous().get("/jwks?tenant_id=nobody&environment=dev&plane=tenant").json();
        assertThat(other.get("keys").size()).isZero();
        assertError(node.anonymous().get("/jwks?tenant_id=" + TENANT + "&environment=dev"), 400, "INVALID_REQUEST");
        assertError(node.anonymous().get("/jwks?tenant_id=" + TENANT + "&environment=qa&plane=tenant"), 400, "INVALID_REQUEST");
    }

    @Test
    void aCallerWithACertificateIsAuditedUnderTheTenantWhoseKeysWereRead() {
        KmsClient.Response r = stranger.get(JWKS);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        String receiptId = r.headers().get("x-kms-receipt-id").get(0);
        assertThat(r.text("receipt_id")).isEqualTo(receiptId);
        JsonNode receipt = m21.get("/receipts/" + receiptId).json().get("receipt");
        assertThat(receipt.get("operation").asText()).isEqualTo("jwks_read");
        assertThat(receipt.get("tenant_id").asText()).isEqualTo(TENANT);
        assertThat(receipt.at("/caller/tenant_id").asText()).isEqualTo("t-other");
    }

    @Test
    void keysPendingRotationStayPublishedAndRevokedOnesLeave() throws Exception {
        String pending = created(m21.createKey(TENANT, "Ed25519", "sign", "verify"));
        String revoked = created(m21.createKey(TENANT, "Ed25519", "sign", "verify"));
        // the rotation and revocation work will move keys between states; here the store does it
        setState(pending, "pending_rotation");
        setState(revoked, "revoked");
        List<String> kids = JWKSet.parse(node.anonymous().get(JWKS).body()).getKeys().stream().map(JWK::getKeyID).toList();
        assertThat(kids).contains(pending, rsa).doesNotContain(revoked);
    }

    private static void setState(String keyId, String state) throws Exception {
        try (Connection c = node.node().data().database().dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE kms_keys SET key_state = ? WHERE key_id = ?")) {
            ps.setString(1, state);
            ps.setString(2, keyId);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
    }

    // ---- relying parties -------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @CsvSource({"RS256", "EdDSA"})
    void aJwtSignedThroughSignVerifiesWithOnlyTheJwksAndNimbus(String algorithm) throws Exception {
        String keyId = algorithm.equals("RS256") ? rsa : ed25519;
        long now = Instant.now().getEpochSecond();
        String header = "{\"alg\":\"" + algorithm + "\",\"typ\":\"JWT\",\"kid\":\"" + keyId + "\"}";
        String claims = "{\"iss\":\"iam\",\"sub\":\"alice\",\"exp\":" + (now + 300) + "}";
        String signingInput = B64URL.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
                + B64URL.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
        byte[] signature = sign(keyId, signingInput.getBytes(StandardCharsets.US_ASCII), algorithm);
        SignedJWT jwt = SignedJWT.parse(signingInput + "." + B64URL.encodeToString(signature));

        // what a relying party does: fetch the JWKS, pick the key by kid, verify
        JWKSet set = JWKSet.parse(node.anonymous().get(JWKS).body());
        JWK key = set.getKeyByKeyId(jwt.getHeader().getKeyID());
        JWSVerifier verifier = key instanceof RSAKey r ? new RSASSAVerifier(r) : new Ed25519Verifier((OctetKeyPair) key);
        assertThat(jwt.verify(verifier)).isTrue();
        assertThat(jwt.getJWTClaimsSet().getSubject()).isEqualTo("alice");

        String forged = signingInput.substring(0, signingInput.indexOf('.') + 1)
                + B64URL.encodeToString(claims.replace("alice", "mallory").getBytes(StandardCharsets.UTF_8))
                + "." + B64URL.encodeToString(signature);
        assertThat(SignedJWT.parse(forged).verify(verifier)).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"RS256", "EdDSA"})
    void opensslVerifiesWithThePublishedPem(String algorithm) throws Exception {
        String keyId = algorithm.equals("RS256") ? rsa : ed25519;
        byte[] data = ("header.payload " + algorithm).getBytes(StandardCharsets.US_ASCII);
        byte[] signature = sign(keyId, data, algorithm);
        Path pem = Files.writeString(work.resolve("pub.pem"), m21.get("/keys/" + keyId + "/public").text("public_key"));
        Path dataFile = Files.write(work.resolve("data.bin"), data);
        Path sigFile = Files.write(work.resolve("sig.bin"), signature);
        List<String> verify = algorithm.equals("RS256")
                ? List.of("openssl", "dgst", "-sha256", "-verify", pem.toString(), "-signature", sigFile.toString(), dataFile.toString())
                : List.of("openssl", "pkeyutl", "-verify", "-pubin", "-inkey", pem.toString(), "-rawin", "-in", dataFile.toString(),
                "-sigfile", sigFile.toString());
        assertThat(run(verify)).isZero();
        data[0] ^= 1;
        Files.write(dataFile, data);
        assertThat(run(verify)).isNotZero();
    }

    private static byte[] sign(String keyId, byte[] data, String algorithm) {
        KmsClient.Response r = m21.sign(TENANT, keyId, data, algorithm);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return Base64.getDecoder().decode(r.text("signature"));
    }

    private int run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(new ArrayList<>(command)).directory(work.toFile())
                .redirectErrorStream(true).redirectOutput(work.resolve("openssl.out").toFile()).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("timed out: " + command);
        }
        return process.exitValue();
    }
}
