package com.zeroui.kms.api;

import static com.zeroui.kms.support.ErrorResponseAssert.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.zeroui.kms.auth.JwtSettings;
import com.zeroui.kms.ops.ApprovalConfig;
import com.zeroui.kms.support.KmsClient;
import com.zeroui.kms.support.TestNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The IAM module's signing key held in this KMS as the trusted issuer: the key is created, the
 * node restarts trusting it by key id, the IAM module (exempt: it signs tokens, so it cannot need
 * one first) signs a JWT signing input through {@code /sign}, and the server accepts the token.
 */
class JwtKmsKeyIssuerIT {
    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

    @Test
    void aTokenSignedThroughSignWithTheTrustedKmsKeyIsAccepted() throws Exception {
        Path dir = Files.createTempDirectory("kms-jwt-kms-key-");
        String keyId;
        // generating a GLOBAL key needs dual authorization by default (ApprovalsIT); this test is about the token
        ApprovalConfig d = ApprovalConfig.defaults();
        ApprovalConfig noGlobalApproval = new ApprovalConfig(d.tokenTtl(), d.requestTtl(), d.alwaysRequired(), false, List.of());
        try (TestNode first = TestNode.startIn(dir, cfg -> cfg.approvals(noGlobalApproval), false)) {
            KmsClient.Response created = first.client("M21", null).createKey("GLOBAL", "RSA-2048", "sign", "verify");
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            keyId = created.text("key_id");
        }
        JwtSettings jwt = new JwtSettings(true, List.of(JwtSettings.TrustedIssuer.parse("iam=key:" + keyId)),
                Set.of("spiffe://zeroui.local/module/M21"), Duration.ofSeconds(60), "kms.zeroui.local");
        try (TestNode node = TestNode.startIn(dir, cfg -> cfg.jwt(jwt), true)) {
            KmsClient iam = node.client("M21", null);
            KmsClient m40 = node.client("M40", "acme");
            long now = Instant.now().getEpochSecond();
            String claims = "{\"iss\":\"iam\",\"aud\":\"kms.zeroui.local\",\"sub\":\"alice\",\"module_id\":\"M40\",\"tenant_id\":\"acme\","
                    + "\"environment\":\"dev\",\"iat\":" + now + ",\"exp\":" + (now + 300) + "}";

            String token = signThroughKms(iam, "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"" + keyId + "\"}", claims, keyId);
            KmsClient.Response accepted = m40.withBearer(token).get("/keys");
            assertThat(accepted.status()).as(accepted.body()).isEqualTo(200);
            assertError(m40.get("/keys"), 401, "UNAUTHENTICATED");

            // the same key under a kid that is not its key id is not the trusted key
            String wrongKid = signThroughKms(iam, "{\"alg\":\"RS256\",\"kid\":\"another\"}", claims, keyId);
            JsonNode error = assertError(m40.withBearer(wrongKid).get("/keys"), 401, "UNAUTHENTICATED");
            assertThat(error.at("/details/reason").asText()).isEqualTo("unknown_key");
            // a token whose claims were changed after signing does not verify
            String forged = token.substring(0, token.indexOf('.') + 1)
                    + B64URL.encodeToString(claims.replace("alice", "mallory").getBytes(StandardCharsets.UTF_8))
                    + token.substring(token.lastIndexOf('.'));
            error = assertError(m40.withBearer(forged).get("/keys"), 401, "UNAUTHENTICATED");
            assertThat(error.at("/details/reason").asText()).isEqualTo("bad_signature");
        }
    }

    private static String signThroughKms(KmsClient iam, String header, String claims, String keyId) {
        String signingInput = B64URL.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
                + B64URL.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
        KmsClient.Response signed = iam.sign("GLOBAL", keyId, signingInput.getBytes(StandardCharsets.US_ASCII), "RS256");
        assertThat(signed.status()).as(signed.body()).isEqualTo(200);
        return signingInput + "." + B64URL.encodeToString(Base64.getDecoder().decode(signed.text("signature")));
    }
}
