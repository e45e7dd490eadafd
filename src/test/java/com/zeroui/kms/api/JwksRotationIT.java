package com.zeroui.kms.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.Ed25519Verifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;
import com.zeroui.kms.ops.LifecycleConfig;
import com.zeroui.kms.support.KmsClient;
import com.zeroui.kms.support.MutableClock;
import com.zeroui.kms.support.TestNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The IAM module's JWT verifiers keep working across a rotation with nothing but the JWKS and a
 * standard JOSE library: tokens signed before the rotation verify through the grace period, tokens
 * signed after it (through the alias) verify at once, and the old key leaves the set once archived.
 */
class JwksRotationIT {
    private static final String JWKS = "/jwks?tenant_id=iam&environment=prod&plane=shared";
    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

    @ParameterizedTest(name = "{0}")
    @CsvSource({"RSA-2048, RS256", "Ed25519, EdDSA"})
    void tokensVerifyWithOnlyTheJwksBeforeDuringAndAfterARotation(String keyType, String alg) throws Exception {
        MutableClock clock = MutableClock.atRealNow();
        try (TestNode node = TestNode.start(clock, cfg -> cfg.lifecycle(new LifecycleConfig(30, Duration.ofDays(1), false)))) {
            KmsClient iam = node.client("M21", "iam");
            ObjectNode body = KmsClient.scope("iam", "prod", "shared").put("key_type", keyType).put("key_alias", "jwt");
            body.putArray("key_usage").add("sign").add("verify");
            String oldKey = iam.post("/keys", body).text("key_id");

            SignedJWT before = jwt(iam, "alias/jwt", "alice", alg);
            assertThat(before.getHeader().getKeyID()).isEqualTo(oldKey);
            assertThat(verifiesWithJwks(node, before)).isTrue();

            KmsClient.Response rotated = iam.post("/keys/alias/jwt/rotate", KmsClient.JSON.createObjectNode()
                    .put("environment", "prod"));
            assertThat(rotated.status()).as(rotated.body()).isEqualTo(200);
            String newKey = rotated.json().get("key").get("key_id").asText();

            SignedJWT after = jwt(iam, "alias/jwt", "bob", alg);
            assertThat(after.getHeader().getKeyID()).isEqualTo(newKey);
            assertThat(verifiesWithJwks(node, after)).isTrue();
            assertThat(verifiesWithJwks(node, before)).as("old token, grace period").isTrue();

            clock.advance(Duration.ofDays(8)); // grace over: the old key is archived and unpublished
            assertThat(JWKSet.parse(node.anonymous().get(JWKS).body()).getKeyByKeyId(oldKey)).isNull();
            assertThat(verifiesWithJwks(node, after)).isTrue();
        }
    }

    /** A JWT whose signing input is signed by the KMS; kid is the key id the sign answer names. */
    private static SignedJWT jwt(KmsClient iam, String keyRef, String subject, String alg) throws Exception {
        // the header needs the kid before signing: ask which key the alias names now
        String kid = iam.get("/keys/" + keyRef + "?environment=prod").text("key_id");
        String header = "{\"alg\":\"" + alg + "\",\"typ\":\"JWT\",\"kid\":\"" + kid + "\"}";
        String claims = "{\"iss\":\"M21\",\"sub\":\"" + subject + "\"}";
        String input = B64URL.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
                + B64URL.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
        ObjectNode sign = KmsClient.scope("iam", "prod", "shared").put("key_id", kid)
                .put("data", Base64.getEncoder().encodeToString(input.getBytes(StandardCharsets.US_ASCII)));
        KmsClient.Response signed = iam.post("/sign", sign);
        assertThat(signed.status()).as(signed.body()).isEqualTo(200);
        byte[] signature = Base64.getDecoder().decode(signed.text("signature"));
        return SignedJWT.parse(input + "." + B64URL.encodeToString(signature));
    }

    private static boolean verifiesWithJwks(TestNode node, SignedJWT jwt) throws Exception {
        JWK key = JWKSet.parse(node.anonymous().get(JWKS).body()).getKeyByKeyId(jwt.getHeader().getKeyID());
        if (key == null) {
            return false;
        }
        JWSVerifier verifier = key instanceof RSAKey r ? new RSASSAVerifier(r) : new Ed25519Verifier((OctetKeyPair) key);
        return jwt.verify(verifier);
    }
}
