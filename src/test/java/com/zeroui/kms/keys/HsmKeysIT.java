package com.zeroui.kms.keys;

import static com.zeroui.kms.support.ErrorResponseAssert.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zeroui.kms.crypto.Pem;
import com.zeroui.kms.keystore.HsmKeys;
import com.zeroui.kms.keystore.MasterKeySettings;
import com.zeroui.kms.keystore.Pkcs11MasterKeyProvider;
import com.zeroui.kms.keystore.ProtectionLevel;
import com.zeroui.kms.ops.KmsConfig;
import com.zeroui.kms.ops.LifecycleConfig;
import com.zeroui.kms.store.JdbcKeyRepository;
import com.zeroui.kms.support.KmsClient;
import com.zeroui.kms.support.MutableClock;
import com.zeroui.kms.support.SoftHsm;
import com.zeroui.kms.support.TestNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keys at protection level hsm against a real SoftHSM2 token: generated in the token, never
 * extractable, every operation in the token, rotated, revoked and destroyed (destruction destroys
 * the token object), and still there after a restart. Refusals: Ed25519 and ChaCha20-Poly1305 at
 * hsm level, and hsm keys without a token.
 */
class HsmKeysIT {
    private static final String TENANT = "acme";
    private static final byte[] MESSAGE = "signed inside the token".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    private final MutableClock clock = MutableClock.atRealNow();

    private UnaryOperator<KmsConfig.Builder> withToken() {
        SoftHsm hsm = SoftHsm.forThisJvm();
        return cfg -> cfg.masterKey(MasterKeySettings.pkcs11(SoftHsm.LIBRARY, hsm.label(), null, hsm.pinFile()))
                .lifecycle(new LifecycleConfig(30, Duration.ofDays(1), false))
                .approvals(LifecycleApprovalsIT.NO_ALWAYS_REQUIRED_APPROVALS);
    }

    @Test
    void hsmKeysAreMadeAndUsedInTheTokenRotatedRevokedDestroyedAndSurviveARestart() throws Exception {
        String rsa;
        String signature;
        String aes;
        JsonNode sealed;
        try (TestNode node = TestNode.startIn(dir, withToken(), false, clock)) {
            KmsClient m21 = node.client("M21", TENANT);
            HsmKeys token = hsmKeys(node);
            JsonNode levels = node.admin().get("/config").json().get("protection_levels");
            assertThat(levels.get("hsm").toString()).isEqualTo("[\"RSA-2048\",\"AES-256\",\"ECDSA-P256\"]");
            assertThat(levels.get("software").toString()).contains("Ed25519");

            JsonNode rsaKey = create(m21, "RSA-2048", "hsm", "signer", "sign", "verify");
            rsa = rsaKey.get("key_id").asText();
            assertThat(rsaKey.get("protection_level").asText()).isEqualTo("hsm");
            assertThat(m21.get("/keys/" + rsa + "?tenant_id=" + TENANT).json().get("protection_level").asText()).isEqualTo("hsm");
            for (String algorithm : List.of("RS256", "PS256")) {
                String sig = m21.sign(TENANT, rsa, MESSAGE, algorithm).text("signature");
                assertThat(m21.verify(TENANT, rsa, MESSAGE, sig, algorithm).json().get("valid").asBoolean()).isTrue();
                assertThat(m21.verify(TENANT, rsa, "other".getBytes(), sig, algorithm).json().get("valid").asBoolean()).isFalse();
            }
            signature = m21.sign(TENANT, rsa, MESSAGE, "RS256").text("signature");
            // a real RSA signature: the JDK verifies it with the published public key, outside the token
            PublicKey publicKey = KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(
                    Pem.parsePublicKey(rsaKey.get("public_key").asText())));
            Signature jdk = Signature.getInstance("SHA256withRSA");
            jdk.initVerify(publicKey);
            jdk.update(MESSAGE);
            assertThat(jdk.verify(Base64.getDecoder().decode(signature))).isTrue();

            aes = create(m21, "AES-256", "hsm", "sealer", "encrypt", "decrypt").get("key_id").asText();
            sealed = m21.encrypt(TENANT, aes, MESSAGE, "aad".getBytes(), null).json();
            assertThat(open(m21, aes, sealed, "aad").status()).isEqualTo(200);
            assertThat(Base64.getDecoder().decode(open(m21, aes, sealed, "aad").text("plaintext"))).isEqualTo(MESSAGE);
            assertThat(assertError(open(m21, aes, sealed, "other-aad"), 400, "INVALID_REQUEST").get("message").asText())
                    .isEqualTo(EncryptionService.DECRYPTION_FAILED);
            assertError(m21.encrypt(TENANT, aes, MESSAGE, null, "ChaCha20-Poly1305"), 400, "INVALID_REQUEST");
            JsonNode refused = assertError(m21.post("/keys", body("Ed25519", "hsm", null, "sign", "verify")), 400,
                    "INVALID_REQUEST");
            assertThat(refused.get("message").asText()).contains("Ed25519", "protection_level hsm", "EdDSA");

            // the token holds both as sensitive, non-extractable objects; the database holds no material
            assertThat(token.keyIds()).contains(rsa, aes);
            Pkcs11MasterKeyProvider p11 = (Pkcs11MasterKeyProvider) node.node().data().masterKey();
            assertThat(p11.token().find(HsmKeys.labelOf(rsa)).getEncoded()).isNull();
            assertThat(p11.token().find(HsmKeys.labelOf(aes)).getEncoded()).isNull();
            KeyRecord stored = new JdbcKeyRepository(node.node().data().database()).findById(rsa).orElseThrow();
            assertThat(stored.wrappedMaterial()).isEmpty();
            assertThat(stored.masterKeyId()).isEqualTo(ProtectionLevel.HSM_RESIDENT);
            assertThat(stored.protectionLevel()).isEqualTo(ProtectionLevel.HSM);

            // rotation makes an hsm successor; the predecessor still verifies during its grace period
            JsonNode rotated = m21.post("/keys/" + rsa + "/rotate", KmsClient.JSON.createObjectNode()).json();
            String successor = rotated.get("key").get("key_id").asText();
            assertThat(rotated.get("key").get("protection_level").asText()).isEqualTo("hsm");
            assertThat(token.keyIds()).contains(successor);
            assertThat(m21.sign(TENANT, "alias/signer", MESSAGE, null).text("key_id")).isEqualTo(successor);
            assertThat(m21.verify(TENANT, rsa, MESSAGE, signature, "RS256").json().get("valid").asBoolean()).isTrue();

            // revocation stops use; destruction destroys the token object
            String doomed = create(m21, "AES-256", "hsm", null, "encrypt", "decrypt").get("key_id").asText();
            m21.post("/keys/" + doomed + "/revoke", KmsClient.JSON.createObjectNode().put("reason", "compromised"));
            assertError(m21.encrypt(TENANT, doomed, MESSAGE, null, null), 409, "KEY_REVOKED");
            assertThat(m21.post("/keys/" + doomed + "/schedule-destruction", KmsClient.JSON.createObjectNode()).status())
                    .isEqualTo(200);
            assertThat(token.keyIds()).contains(doomed);
            clock.advance(Duration.ofDays(30).plusSeconds(1));
            assertThat(node.node().runLifecycle().destroyed()).isEqualTo(1);
            assertThat(token.keyIds()).doesNotContain(doomed).contains(rsa, aes, successor);
            assertThat(token.holds(doomed)).isFalse();
            // read from the store: 30 days on, the node no longer accepts this test's one-day client certificate
            assertThat(new JdbcKeyRepository(node.node().data().database()).findById(doomed).orElseThrow().state())
                    .isEqualTo(KeyState.DESTROYED);
        }

        // the restarted node runs on real time again: its client certificates are checked against it
        try (TestNode node = TestNode.startIn(dir, withToken(), false, MutableClock.atRealNow())) {
            KmsClient m21 = node.client("M21", TENANT);
            assertThat(m21.verify(TENANT, rsa, MESSAGE, signature, "RS256").json().get("valid").asBoolean()).isTrue();
            assertThat(Base64.getDecoder().decode(open(m21, aes, sealed, "aad").text("plaintext"))).isEqualTo(MESSAGE);
            String again = m21.sign(TENANT, "alias/signer", MESSAGE, "PS256").text("signature");
            assertThat(m21.verify(TENANT, "alias/signer", MESSAGE, again, "PS256").json().get("valid").asBoolean()).isTrue();
        }
    }

    @Test
    void ecdsaP256KeysAreMadeAndUsedInTheTokenAndSignRawRAndS() throws Exception {
        try (TestNode node = TestNode.startIn(dir, withToken(), false, clock)) {
            KmsClient m21 = node.client("M21", TENANT);
            JsonNode ec = create(m21, "ECDSA-P256", "hsm", null, "sign", "verify");
            String id = ec.get("key_id").asText();
            assertThat(ec.get("protection_level").asText()).isEqualTo("hsm");

            String signature = m21.sign(TENANT, id, MESSAGE, null).text("signature");
            assertThat(Base64.getDecoder().decode(signature)).hasSize(64);
            assertThat(m21.verify(TENANT, id, MESSAGE, signature, "ES256").json().get("valid").asBoolean()).isTrue();
            assertThat(m21.verify(TENANT, id, "other".getBytes(), signature, "ES256").json().get("valid").asBoolean()).isFalse();
            // the token signs DER; the answer is JOSE's r‖s, which the JDK's own P1363 verifier accepts outside the token
            PublicKey publicKey = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(
                    Pem.parsePublicKey(ec.get("public_key").asText())));
            Signature jdk = Signature.getInstance("SHA256withECDSAinP1363Format");
            jdk.initVerify(publicKey);
            jdk.update(MESSAGE);
            assertThat(jdk.verify(Base64.getDecoder().decode(signature))).isTrue();

            Pkcs11MasterKeyProvider p11 = (Pkcs11MasterKeyProvider) node.node().data().masterKey();
            assertThat(hsmKeys(node).keyIds()).contains(id);
            assertThat(p11.token().find(HsmKeys.labelOf(id)).getEncoded()).isNull();
            assertThat(new JdbcKeyRepository(node.node().data().database()).findById(id).orElseThrow().wrappedMaterial())
                    .isEmpty();
        }
    }

    @Test
    void withoutATokenHsmKeysAreRefusedAndConfigSaysSo() {
        try (TestNode node = TestNode.start()) {
            KmsClient m21 = node.client("M21", TENANT);
            assertThat(node.admin().get("/config").json().get("protection_levels").get("hsm").size()).isZero();
            JsonNode refused = assertError(m21.post("/keys", body("AES-256", "hsm", null, "encrypt", "decrypt")), 400,
                    "INVALID_REQUEST");
            assertThat(refused.get("message").asText()).contains("--master-key-provider pkcs11");
            assertError(m21.post("/keys", body("AES-256", "vault", null, "encrypt", "decrypt")), 400, "INVALID_REQUEST");
            JsonNode software = create(m21, "Ed25519", null, null, "sign", "verify");
            assertThat(software.get("protection_level").asText()).isEqualTo("software");
        }
    }

    private static HsmKeys hsmKeys(TestNode node) {
        return new HsmKeys(((Pkcs11MasterKeyProvider) node.node().data().masterKey()).token());
    }

    private static KmsClient.Response open(KmsClient client, String keyId, JsonNode sealed, String aad) {
        return client.decrypt(TENANT, keyId, sealed.get("ciphertext").asText(), sealed.get("iv").asText(),
                aad.getBytes(StandardCharsets.UTF_8), null);
    }

    private static ObjectNode body(String type, String level, String alias, String... usage) {
        ObjectNode b = KmsClient.scope(TENANT, "dev", "tenant").put("key_type", type);
        if (level != null) {
            b.put("protection_level", level);
        }
        if (alias != null) {
            b.put("key_alias", alias);
        }
        var u = b.putArray("key_usage");
        for (String s : usage) {
            u.add(s);
        }
        return b;
    }

    private static JsonNode create(KmsClient client, String type, String level, String alias, String... usage) {
        KmsClient.Response r = client.post("/keys", body(type, level, alias, usage));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json();
    }
}
