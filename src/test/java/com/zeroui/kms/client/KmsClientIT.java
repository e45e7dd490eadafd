package com.zeroui.kms.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zeroui.kms.auth.Role;
import com.zeroui.kms.client.model.AccessPolicy;
import com.zeroui.kms.client.model.Approval;
import com.zeroui.kms.client.model.ApprovalGrant;
import com.zeroui.kms.client.model.EncryptResult;
import com.zeroui.kms.client.model.KeyMetadata;
import com.zeroui.kms.client.model.NewKey;
import com.zeroui.kms.client.model.PublicKeyInfo;
import com.zeroui.kms.client.model.RotateResult;
import com.zeroui.kms.client.model.SignResult;
import com.zeroui.kms.support.TestNode;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The client library against a real node over mutual TLS: typed answers, typed errors, every key call. */
class KmsClientIT {
    static final Scope ACME = new Scope("acme", "dev", "tenant");
    static TestNode node;
    static KmsClient module;
    static KmsClient admin;

    @BeforeAll
    static void start() {
        node = TestNode.start();
        module = ClientsForTests.module(node, "M21", "acme", ACME);
        admin = ClientsForTests.admin(node, ACME);
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    private static String alias() {
        return "k-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void healthAndConfigAnswerTyped() {
        assertThat(module.ops().health().status()).isIn("healthy", "degraded");
        assertThat(module.ops().health().checks()).isNotEmpty();
        assertThat(module.ops().config().get("allowed_algorithms").isArray()).isTrue();
        assertThat(module.ops().openApi().get("openapi").asText()).startsWith("3.");
        assertThat(admin.ops().metrics()).contains("# TYPE");
    }

    @Test
    void keyLifecycleByAlias() {
        String alias = alias();
        KeyMetadata created = module.keys().create(NewKey.of("Ed25519", "sign", "verify").alias(alias));
        assertThat(created.keyId()).isNotBlank();
        assertThat(created.keyState()).isEqualTo("active");
        assertThat(created.keyUsage()).containsExactlyInAnyOrder("sign", "verify");
        assertThat(created.receiptId()).isNotBlank();

        KeyMetadata read = module.keys().get("alias/" + alias);
        assertThat(read.keyId()).isEqualTo(created.keyId());
        assertThat(read.accessPolicy().allowedModules()).containsExactly("M21");
        assertThat(module.keys().list(Map.of("alias", alias)).keys()).extracting(KeyMetadata::keyId).containsExactly(created.keyId());

        RotateResult rotated = module.keys().rotate("alias/" + alias, false, null);
        assertThat(rotated.previousKey().keyId()).isEqualTo(created.keyId());
        assertThat(rotated.key().rotationCount()).isEqualTo(1);
        assertThat(module.keys().get("alias/" + alias).keyId()).isEqualTo(rotated.key().keyId());

        // policy changes need a second person: request, approve as an approver, then apply with the token
        AccessPolicy newPolicy = new AccessPolicy(List.of("M21", "M27"), false, 500);
        String keyId = rotated.key().keyId();
        assertThatThrownBy(() -> module.keys().updatePolicy(keyId, newPolicy, null))
                .isInstanceOfSatisfying(KmsApiException.class, e -> assertThat(e.code()).isEqualTo("POLICY_VIOLATION"));
        Approval pending = module.approvals().request("update_policy", keyId,
                Map.of("allowed_modules", newPolicy.allowedModules(), "requires_approval", false, "max_usage_per_day", 500));
        assertThat(pending.status()).isEqualTo("pending");
        KmsClient approver = ClientsForTests.module(node, "gov", "acme", ACME, Role.APPROVER);
        assertThat(approver.approvals().list(Map.of("status", "pending")).approvals()).extracting(Approval::approvalId)
                .contains(pending.approvalId());
        ApprovalGrant grant = approver.approvals().approve(pending.approvalId());
        KeyMetadata policy = module.keys().updatePolicy(keyId, newPolicy, grant.approvalToken());
        assertThat(policy.accessPolicy().allowedModules()).containsExactlyInAnyOrder("M21", "M27");
        assertThat(module.keys().usage(rotated.key().keyId()).maxUsagePerDay()).isEqualTo(500);

        KeyMetadata revoked = module.keys().revoke(rotated.key().keyId(), "retired", null);
        assertThat(revoked.keyState()).isEqualTo("revoked");
        assertThatThrownBy(() -> module.crypto().sign(rotated.key().keyId(), new byte[] {1}, null))
                .isInstanceOfSatisfying(KmsApiException.class, e -> {
                    assertThat(e.code()).isEqualTo("KEY_REVOKED");
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.receiptId()).isPresent();
                });
    }

    @Test
    void signaturesVerifyWithTheServiceAndWithTheJdk() throws Exception {
        String keyId = module.keys().create(NewKey.of("RSA-2048", "sign", "verify")).keyId();
        byte[] data = "to be signed".getBytes(StandardCharsets.UTF_8);
        for (String[] alg : new String[][] {{"RS256", "SHA256withRSA"}, {"PS256", "RSASSA-PSS"}}) {
            SignResult signed = module.crypto().sign(keyId, data, alg[0]);
            assertThat(signed.algorithm()).isEqualTo(alg[0]);
            assertThat(module.crypto().verify(keyId, data, signed.signature(), alg[0]).valid()).isTrue();
            assertThat(module.crypto().verify(keyId, "other".getBytes(StandardCharsets.UTF_8), signed.signature(), alg[0]).valid()).isFalse();

            PublicKeyInfo pub = module.keys().publicKey(keyId);
            Signature jdk = Signature.getInstance(alg[1]);
            if (alg[0].equals("PS256")) {
                jdk.setParameter(new java.security.spec.PSSParameterSpec("SHA-256", "MGF1",
                        java.security.spec.MGF1ParameterSpec.SHA256, 32, 1));
            }
            jdk.initVerify(KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(Base64.getMimeDecoder()
                    .decode(pub.publicKey().replaceAll("-----[A-Z ]+-----", "")))));
            jdk.update(data);
            assertThat(jdk.verify(signed.signature())).isTrue();
        }
        assertThat(module.keys().jwks().keys()).anySatisfy(jwk -> assertThat(jwk.get("kid")).isEqualTo(keyId));
    }

    @Test
    void encryptDecryptWithAadAndTheConstantFailure() {
        String keyId = module.keys().create(NewKey.of("AES-256", "encrypt", "decrypt")).keyId();
        byte[] plaintext = "secret".getBytes(StandardCharsets.UTF_8);
        byte[] aad = "context".getBytes(StandardCharsets.UTF_8);
        EncryptResult enc = module.crypto().encrypt(keyId, plaintext, aad, null);
        assertThat(enc.iv()).hasSize(12);
        assertThat(enc.ciphertext()).hasSize(plaintext.length + 16);
        assertThat(enc.toString()).doesNotContain(Base64.getEncoder().encodeToString(enc.ciphertext()));

        assertThat(module.crypto().decrypt(keyId, enc.ciphertext(), enc.iv(), aad, null).plaintext()).isEqualTo(plaintext);
        assertThatThrownBy(() -> module.crypto().decrypt(keyId, enc.ciphertext(), enc.iv(), "other".getBytes(StandardCharsets.UTF_8), null))
                .isInstanceOfSatisfying(KmsApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.error().message()).startsWith("decryption failed");
                });
    }

    @Test
    void randomDataKeysAndSelfDescribingBlobs() {
        assertThat(module.crypto().random(16).random()).hasSize(16);
        String keyId = module.keys().create(NewKey.of("AES-256", "encrypt", "decrypt")).keyId();

        com.zeroui.kms.client.model.DataKey dataKey = module.crypto().dataKey(keyId, true, null);
        assertThat(dataKey.plaintext()).hasSize(32);
        assertThat(dataKey.toString()).doesNotContain(Base64.getEncoder().encodeToString(dataKey.plaintext()));
        assertThat(module.crypto().decryptBlob(dataKey.ciphertextBlob(), null).plaintext()).isEqualTo(dataKey.plaintext());

        byte[] plaintext = "blob".getBytes(StandardCharsets.UTF_8);
        EncryptResult enc = module.crypto().encrypt(keyId, plaintext, null, null);
        String next = module.keys().rotate(keyId, false, null).key().keyId();
        com.zeroui.kms.client.model.RewrapResult rewrapped = module.crypto().rewrap(enc.ciphertextBlob(), null, null, null);
        assertThat(rewrapped.sourceKeyId()).isEqualTo(keyId);
        assertThat(rewrapped.keyId()).isEqualTo(next);
        assertThat(module.crypto().decryptBlob(rewrapped.ciphertextBlob(), null).plaintext()).isEqualTo(plaintext);

        com.fasterxml.jackson.databind.JsonNode batch = module.crypto().batch(List.of(
                Map.of("operation", "encrypt", "key_id", next, "plaintext", Base64.getEncoder().encodeToString(plaintext)),
                Map.of("operation", "sign", "key_id", next, "data", "AA==")));
        assertThat(batch.get("succeeded").asInt()).isEqualTo(1);
        assertThat(batch.get("failed").asInt()).isEqualTo(1);
    }

    @Test
    void errorsCarryTheErrorResponse() {
        assertThatThrownBy(() -> module.keys().get(UUID.randomUUID().toString()))
                .isInstanceOfSatisfying(KmsApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(404);
                    assertThat(e.code()).isEqualTo("KEY_NOT_FOUND");
                });
        // another tenant's scope: refused, never retried
        assertThatThrownBy(() -> module.in(new Scope("other", "dev", "tenant")).keys().create(NewKey.of("Ed25519", "sign")))
                .isInstanceOfSatisfying(KmsApiException.class, e -> assertThat(e.code()).isEqualTo("UNAUTHORIZED"));
        assertThatThrownBy(() -> module.keys().create(NewKey.of("DSA-1024", "sign")))
                .isInstanceOfSatisfying(KmsApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.code()).isEqualTo("INVALID_REQUEST");
                });
    }

    @Test
    void auditSearchAndEventsAreTyped() {
        String keyId = module.keys().create(NewKey.of("Ed25519", "sign", "verify")).keyId();
        module.crypto().sign(keyId, new byte[] {1}, null);
        assertThat(admin.audit().search(Map.of("key_id", keyId)).receipts())
                .extracting(r -> r.receipt().get("operation")).contains("key_generated", "signature_created");
        assertThat(admin.audit().events(null, 500, null).events()).isNotEmpty();
        assertThat(admin.audit().receiptKeys().keys()).isNotEmpty();
    }
}
