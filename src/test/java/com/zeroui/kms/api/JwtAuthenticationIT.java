package com.zeroui.kms.api;

import static com.zeroui.kms.support.ErrorResponseAssert.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.zeroui.kms.auth.JwtSettings;
import com.zeroui.kms.support.JwtTokens;
import com.zeroui.kms.support.KmsClient;
import com.zeroui.kms.support.TestNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Bearer tokens through the real server, with tokens made by nimbus-jose-jwt and the issuer's keys
 * in a JWKS file: a node started with {@code require_jwt} refuses requests without a valid token
 * (401, no receipt), and a valid token binds the request to its tenant and environment (403 with a
 * receipt when the request names another).
 */
class JwtAuthenticationIT {
    static final String ISSUER = "https://iam.zeroui.local";
    static final String EXEMPT = "spiffe://zeroui.local/module/M21";

    static Path dir;
    static RSAKey rsa;
    static OctetKeyPair ed25519;
    static TestNode node;
    static KmsClient m40;

    @BeforeAll
    static void start() throws IOException {
        dir = Files.createTempDirectory("kms-jwt-");
        rsa = JwtTokens.newRsaKey("iam-rsa-1");
        ed25519 = JwtTokens.newEd25519Key("iam-ed-1");
        Path jwks = JwtTokens.writeJwks(dir.resolve("iam-jwks.json"), rsa, ed25519);
        node = TestNode.start(cfg -> cfg.withJwt(new JwtSettings(true,
                List.of(JwtSettings.TrustedIssuer.parse(ISSUER + "=jwks:" + jwks)), Set.of(EXEMPT), Duration.ofSeconds(60),
                JwtTokens.AUDIENCE)));
        m40 = node.client("M40", "acme");
    }

    @AfterAll
    static void stop() {
        node.close();
        TestNode.deleteTree(dir);
    }

    static JWTClaimsSet.Builder claims(String moduleId, String tenantId, String environment) {
        return JwtTokens.claims(ISSUER, moduleId, tenantId, environment, Instant.now());
    }

    static String token(String environment) {
        return JwtTokens.rs256(rsa, claims("M40", "acme", environment).build());
    }

    static ObjectNode keyRequest(String tenant, String environment, String type) {
        ObjectNode body = KmsClient.scope(tenant, environment, "tenant").put("key_type", type);
        body.putArray("key_usage").add("sign").add("verify");
        return body;
    }

    @Test
    void withoutATokenEveryCallerIsRefusedExceptTheExemptIssuer() {
        KmsClient.Response r = m40.get("/keys");
        JsonNode error = assertError(r, 401, "UNAUTHENTICATED");
        assertThat(error.get("details").get("reason").asText()).isEqualTo("missing_token");
        assertThat(r.headers().get("www-authenticate")).containsExactly("Bearer");
        assertThat(r.headers()).doesNotContainKey("x-kms-receipt-id");

        assertThat(node.client("M21", null).get("/keys").status()).isEqualTo(200);
        // exemption is by exact SPIFFE ID: tenant acme's module M21 is a different caller
        assertError(node.client("M21", "acme").get("/keys"), 401, "UNAUTHENTICATED");
        assertError(node.admin().get("/keys"), 401, "UNAUTHENTICATED");
    }

    @Test
    void validRs256AndEdDsaTokensAreAcceptedAndTheReceiptNamesTheTokensSubject() {
        KmsClient rs = m40.withBearer(token("dev"));
        KmsClient.Response created = rs.post("/keys", keyRequest("acme", "dev", "Ed25519"));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        JsonNode receipt = rs.get("/receipts/" + created.text("receipt_id")).json().get("receipt");
        assertThat(receipt.at("/caller/module_id").asText()).isEqualTo("M40");
        assertThat(receipt.at("/caller/tenant_id").asText()).isEqualTo("acme");
        assertThat(receipt.at("/caller/token/sub").asText()).isEqualTo("user-42@acme");
        assertThat(receipt.at("/caller/token/iss").asText()).isEqualTo(ISSUER);
        assertThat(receipt.at("/caller/token/environment").asText()).isEqualTo("dev");

        KmsClient ed = m40.withBearer(JwtTokens.eddsa(ed25519, claims("M40", "acme", "dev").build()));
        KmsClient.Response listed = ed.get("/keys");
        assertThat(listed.status()).as(listed.body()).isEqualTo(200);
        assertThat(listed.json().get("keys").findValuesAsText("key_id")).contains(created.text("key_id"));
    }

    @Test
    void badTokensAre401WithTheReasonAndNoReceipt() {
        Instant now = Instant.now();
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("malformed_token", JwtTokens.none(claims("M40", "acme", "dev").build()));
        cases.put("unsupported_algorithm", JwtTokens.hs256(new byte[32], claims("M40", "acme", "dev").build()));
        cases.put("bad_signature", JwtTokens.rs256(JwtTokens.newRsaKey("iam-rsa-1"), claims("M40", "acme", "dev").build()));
        cases.put("token_expired", JwtTokens.rs256(rsa, claims("M40", "acme", "dev")
                .expirationTime(Date.from(now.minusSeconds(120))).build()));
        cases.put("invalid_claims", JwtTokens.rs256(rsa, claims("M40", "acme", "dev")
                .notBeforeTime(Date.from(now.plusSeconds(600))).build()));
        cases.put("untrusted_issuer", JwtTokens.rs256(rsa, JwtTokens.claims("https://other-iam", "M40", "acme", "dev", now)
                .build()));
        cases.put("module_mismatch", JwtTokens.rs256(rsa, claims("M41", "acme", "dev").build()));
        // issue 11 §7: a token minted for another service, or for no service, is refused here
        cases.put("wrong_audience", JwtTokens.rs256(rsa, claims("M40", "acme", "dev").audience("payments").build()));
        cases.put("tenant_mismatch", JwtTokens.rs256(rsa, claims("M40", "globex", "dev").build()));
        cases.put("unknown_key", JwtTokens.sign(JWSAlgorithm.EdDSA, "iam-rsa-1", JwtTokens.signer(ed25519),
                claims("M40", "acme", "dev").build()));
        cases.forEach((reason, token) -> {
            KmsClient.Response r = m40.withBearer(token).post("/keys", keyRequest("acme", "dev", "Ed25519"));
            JsonNode error = assertError(r, 401, "UNAUTHENTICATED");
            assertThat(error.at("/details/reason").asText()).as(r.body()).isEqualTo(reason);
            assertThat(error.at("/details/receipt_id").isMissingNode()).isTrue();
            assertThat(r.headers().get("www-authenticate")).containsExactly("Bearer error=\"invalid_token\"");
        });
        for (String claim : List.of("sub", "module_id", "tenant_id", "environment", "exp")) {
            KmsClient.Response r = m40.withBearer(JwtTokens.rs256(rsa, claims("M40", "acme", "dev").claim(claim, null).build()))
                    .get("/keys");
            JsonNode error = assertError(r, 401, "UNAUTHENTICATED");
            assertThat(error.at("/details/reason").asText()).isEqualTo("invalid_claims");
            assertThat(error.get("message").asText()).contains(claim);
        }
    }

    @Test
    void theAuthorizationHeaderMustBeOneBearerToken() {
        JsonNode error = assertError(m40.withHeader("Authorization", "Basic bTQwOnB3").get("/keys"), 401, "UNAUTHENTICATED");
        assertThat(error.at("/details/reason").asText()).isEqualTo("malformed_authorization");
        assertError(m40.withHeader("Authorization", "Bearer ").get("/keys"), 401, "UNAUTHENTICATED");
        // the scheme is case-insensitive (RFC 9110 §11.1)
        assertThat(m40.withHeader("Authorization", "bearer " + token("dev")).get("/keys").status()).isEqualTo(200);
    }

    @Test
    void aTokenNeverReplacesTheClientCertificate() {
        JsonNode error = assertError(node.anonymous().withBearer(token("dev")).get("/keys"), 401, "UNAUTHENTICATED");
        assertThat(error.get("message").asText()).contains("client certificate");
    }

    @Test
    void theTokensTenantBindsEvenAnAdminCertificate() {
        KmsClient admin = node.admin().withBearer(JwtTokens.rs256(rsa, claims("kms-admin", "acme", "dev").build()));
        assertThat(admin.post("/keys", keyRequest("acme", "dev", "Ed25519")).status()).isEqualTo(201);
        KmsClient.Response refused = admin.post("/keys", keyRequest("globex", "dev", "Ed25519"));
        JsonNode error = assertError(refused, 403, "UNAUTHORIZED");
        assertThat(error.at("/details/receipt_id").asText()).isNotBlank();
        assertError(admin.get("/keys?tenant_id=globex"), 403, "UNAUTHORIZED");
        // without a tenant filter the narrowed admin sees only the token's tenant
        JsonNode keys = admin.get("/keys").json().get("keys");
        assertThat(keys.findValuesAsText("tenant_id")).isNotEmpty().containsOnly("acme");
    }

    @Test
    void theTokensEnvironmentBindsTheRequestAndRefusalsLeaveReceipts() {
        KmsClient dev = m40.withBearer(token("dev"));
        KmsClient prod = m40.withBearer(token("prod"));
        String devKey = dev.post("/keys", keyRequest("acme", "dev", "Ed25519")).text("key_id");
        String prodKey = prod.post("/keys", keyRequest("acme", "prod", "Ed25519")).text("key_id");

        KmsClient.Response createInProd = dev.post("/keys", keyRequest("acme", "prod", "Ed25519"));
        JsonNode error = assertError(createInProd, 403, "UNAUTHORIZED");
        assertThat(error.at("/details/token_environment").asText()).isEqualTo("dev");
        // the refusal's receipt belongs to the environment it was asked for: the dev-bound token cannot
        // read it (receipt reads apply the token's environment binding too), a prod-bound one can
        String refusalReceipt = "/receipts/" + error.at("/details/receipt_id").asText();
        assertError(dev.get(refusalReceipt), 404, "INVALID_REQUEST");
        JsonNode receipt = prod.get(refusalReceipt).json().get("receipt");
        assertThat(receipt.at("/kms_context/success").asBoolean()).isFalse();
        assertThat(receipt.at("/kms_context/error_code").asText()).isEqualTo("UNAUTHORIZED");
        assertThat(receipt.get("operation").asText()).isEqualTo("key_generated");

        ObjectNode signInProd = KmsClient.scope("acme", "prod", "tenant").put("key_id", prodKey)
                .put("data", java.util.Base64.getEncoder().encodeToString("x".getBytes(StandardCharsets.UTF_8)));
        assertError(dev.post("/sign", signInProd), 403, "UNAUTHORIZED");
        assertThat(prod.post("/sign", signInProd).status()).isEqualTo(200);

        assertError(dev.get("/keys/" + prodKey + "?environment=prod"), 403, "UNAUTHORIZED");
        assertError(dev.get("/keys/" + prodKey), 404, "KEY_NOT_FOUND"); // read in the token's environment
        assertThat(dev.get("/keys/" + devKey).status()).isEqualTo(200);
        List<String> listed = dev.get("/keys").json().get("keys").findValuesAsText("key_id");
        assertThat(listed).contains(devKey).doesNotContain(prodKey);
        assertError(dev.get("/keys?environment=prod"), 403, "UNAUTHORIZED");
    }

    @Test
    void publicEndpointsNeedNoToken() {
        assertThat(node.anonymous().get("/health").status()).isEqualTo(200);
        assertThat(node.anonymous().get("/jwks?tenant_id=acme&environment=dev&plane=tenant").status()).isEqualTo(200);
    }
}
