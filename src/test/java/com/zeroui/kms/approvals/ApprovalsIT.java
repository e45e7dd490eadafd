package com.zeroui.kms.approvals;

import static com.zeroui.kms.support.ErrorResponseAssert.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zeroui.kms.auth.Role;
import com.zeroui.kms.ops.ApprovalConfig;
import com.zeroui.kms.support.GovernanceIssuer;
import com.zeroui.kms.support.KmsClient;
import com.zeroui.kms.support.MutableClock;
import com.zeroui.kms.support.TestNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The two-person rule end to end over mTLS, on generating a GLOBAL-tenant key (the gated operation
 * that exists today): every refusal is 403 POLICY_VIOLATION naming its reason, with a receipt.
 */
class ApprovalsIT {
    static final MutableClock CLOCK = MutableClock.atRealNow();
    static final GovernanceIssuer M32 = GovernanceIssuer.ed25519("m32");
    static final GovernanceIssuer GOV_RSA = GovernanceIssuer.rsa("gov-rsa", "PS256");
    static final GovernanceIssuer STRANGER = GovernanceIssuer.ed25519("stranger");
    static Path keysDir;
    static TestNode node;
    static KmsClient requester;
    static KmsClient approver;
    static KmsClient selfApprover;
    static KmsClient plainModule;
    static KmsClient otherPlatformModule;
    static KmsClient tenantModule;
    static String requesterId;
    static String approverId;
    static int aliases;

    @BeforeAll
    static void start() throws IOException {
        keysDir = Files.createTempDirectory("kms-approval-issuers-");
        Path m32 = M32.writePublicKey(keysDir);
        Path rsa = GOV_RSA.writePublicKey(keysDir);
        node = TestNode.start(CLOCK, cfg -> cfg.approvals(new ApprovalConfig(Duration.ofMinutes(10), Duration.ofHours(24),
                ApprovalConfig.defaults().alwaysRequired(), true,
                List.of(new ApprovalConfig.ExternalIssuer("m32", m32), new ApprovalConfig.ExternalIssuer("gov-rsa", rsa)))));
        requester = node.client("keyops", null);
        approver = node.client("gov", null, Role.APPROVER);
        selfApprover = node.client("keyops", null, Role.APPROVER);
        plainModule = node.client("ops2", null);
        otherPlatformModule = node.client("other", null);
        tenantModule = node.client("M21", "acme", Role.APPROVER);
        requesterId = "spiffe://zeroui.local/module/keyops";
        approverId = "spiffe://zeroui.local/module/gov";
    }

    @AfterAll
    static void stop() {
        node.close();
        TestNode.deleteTree(keysDir);
    }

    /** A POST /keys body for a new GLOBAL-tenant key (a fresh alias each time). */
    static ObjectNode globalKeyBody() {
        ObjectNode body = KmsClient.scope("GLOBAL", "prod", "shared").put("key_type", "Ed25519");
        body.putArray("key_usage").add("sign").add("verify");
        body.put("key_alias", "root-" + (++aliases) + "-" + UUID.randomUUID().toString().substring(0, 8));
        return body;
    }

    static JsonNode requestApproval(KmsClient who, ObjectNode parameters) {
        ObjectNode request = KmsClient.JSON.createObjectNode().put("operation", "generate");
        request.set("parameters", parameters);
        KmsClient.Response r = who.post("/approvals", request);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json();
    }

    static String approvedToken(ObjectNode parameters) {
        JsonNode pending = requestApproval(requester, parameters);
        KmsClient.Response approved = approver.post("/approvals/" + pending.get("approval_id").asText() + "/approve", "");
        assertThat(approved.status()).as(approved.body()).isEqualTo(200);
        return approved.text("approval_token");
    }

    static KmsClient.Response createWithToken(KmsClient who, ObjectNode body, String token) {
        ObjectNode withToken = body.deepCopy();
        if (token != null) {
            withToken.put("approval_token", token);
        }
        return who.post("/keys", withToken);
    }

    /** 403 POLICY_VIOLATION with the reason, and a failed receipt that says so. */
    static JsonNode assertRefused(KmsClient.Response response, String reason) {
        JsonNode error = assertError(response, 403, "POLICY_VIOLATION");
        assertThat(error.at("/details/reason").asText()).as(response.body()).isEqualTo(reason);
        String receiptId = error.at("/details/receipt_id").asText();
        assertThat(response.headers().get("x-kms-receipt-id")).containsExactly(receiptId);
        JsonNode receipt = node.admin().get("/receipts/" + receiptId).json().get("receipt");
        assertThat(receipt.at("/kms_context/success").asBoolean()).isFalse();
        assertThat(receipt.at("/kms_context/error_code").asText()).isEqualTo("POLICY_VIOLATION");
        return receipt;
    }

    @Test
    void generatingAGlobalKeyWithAnApprovedTokenSucceedsOnceAndTheApprovalRecordsItsLife() {
        ObjectNode body = globalKeyBody();
        JsonNode pending = requestApproval(requester, body);
        String id = pending.get("approval_id").asText();
        assertThat(pending.get("status").asText()).isEqualTo("pending");
        assertThat(pending.get("operation").asText()).isEqualTo("generate");
        assertThat(pending.get("requested_by").asText()).isEqualTo(requesterId);
        assertThat(pending.get("parameters_digest").asText())
                .isEqualTo(GovernanceIssuer.digest(KmsClient.JSON.convertValue(body, Map.class)));
        assertThat(pending.get("parameters")).isEqualTo(body);
        assertThat(Instant.parse(pending.get("expires_at").asText())).isAfter(CLOCK.instant().plus(Duration.ofHours(23)));
        JsonNode requestReceipt = node.admin().get("/receipts/" + pending.get("receipt_id").asText()).json().get("receipt");
        assertThat(requestReceipt.get("operation").asText()).isEqualTo("approval_requested");
        assertThat(requestReceipt.get("tenant_id").asText()).isEqualTo("GLOBAL");

        KmsClient.Response approved = approver.post("/approvals/" + id + "/approve", "");
        assertThat(approved.status()).as(approved.body()).isEqualTo(200);
        String token = approved.text("approval_token");
        assertThat(token.split("\\.")).hasSize(3);
        assertThat(Duration.between(CLOCK.instant(), Instant.parse(approved.text("expires_at"))))
                .isBetween(Duration.ofMinutes(9), Duration.ofMinutes(10));
        JsonNode header = KmsClient.JSON.createObjectNode();
        try {
            header = KmsClient.JSON.readTree(Base64.getUrlDecoder().decode(token.split("\\.")[0]));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        assertThat(header.get("alg").asText()).isEqualTo("EdDSA");
        JsonNode approveReceipt = node.admin().get("/receipts/" + approved.text("receipt_id")).json().get("receipt");
        assertThat(approveReceipt.get("operation").asText()).isEqualTo("approval_granted");
        assertThat(approveReceipt.at("/kms_context/success").asBoolean()).isTrue();
        assertThat(requester.get("/approvals/" + id).text("status")).isEqualTo("approved");

        KmsClient.Response created = createWithToken(requester, body, token);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.text("tenant_id")).isEqualTo("GLOBAL");
        JsonNode after = requester.get("/approvals/" + id).json();
        assertThat(after.get("status").asText()).isEqualTo("consumed");
        assertThat(after.get("approved_by").asText()).isEqualTo(approverId);
        assertThat(after.get("consumed_at").isNull()).isFalse();
    }

    @Test
    void withoutATokenGlobalGenerationIsRefusedButOtherTenantsAreNotGated() {
        assertRefused(createWithToken(requester, globalKeyBody(), null), "missing_token");
        KmsClient.Response tenantKey = tenantModule.createKey("acme", "Ed25519", "sign", "verify");
        assertThat(tenantKey.status()).as(tenantKey.body()).isEqualTo(201);
    }

    @Test
    void anExpiredTokenIsRefused() {
        ObjectNode body = globalKeyBody();
        String token = approvedToken(body);
        CLOCK.advance(Duration.ofMinutes(10).plusSeconds(1));
        assertRefused(createWithToken(requester, body, token), "expired");
    }

    @Test
    void aTokenIsSingleUse() {
        ObjectNode body = globalKeyBody();
        String token = approvedToken(body);
        assertThat(createWithToken(requester, body, token).status()).isEqualTo(201);
        ObjectNode again = body.deepCopy();
        // even for the same request: the key exists now, but the token is refused first
        assertRefused(createWithToken(requester, again, token), "replayed");
    }

    @Test
    void aTokenApprovesOnlyTheParametersItWasRequestedFor() {
        ObjectNode body = globalKeyBody();
        String token = approvedToken(body);
        ObjectNode other = body.deepCopy().put("key_type", "RSA-2048");
        JsonNode error = assertError(createWithToken(requester, other, token), 403, "POLICY_VIOLATION");
        assertThat(error.at("/details/reason").asText()).isEqualTo("wrong_parameters");
        assertThat(error.at("/details/approved_parameters_digest").asText()).startsWith("sha256:");
        // the refusal did not spend the token: the approved request still goes through
        assertThat(createWithToken(requester, body, token).status()).isEqualTo(201);
    }

    @Test
    void onlyTheRequesterMayUseTheToken() {
        ObjectNode body = globalKeyBody();
        String token = approvedToken(body);
        assertRefused(createWithToken(otherPlatformModule, body, token), "requester_mismatch");
    }

    @Test
    void theRequesterCannotApproveTheirOwnRequest() {
        String id = requestApproval(requester, globalKeyBody()).get("approval_id").asText();
        JsonNode receipt = assertRefused(selfApprover.post("/approvals/" + id + "/approve", ""), "self_approval");
        assertThat(receipt.get("operation").asText()).isEqualTo("approval_granted");
        assertThat(requester.get("/approvals/" + id).text("status")).isEqualTo("pending");
    }

    @Test
    void anApproverNeedsTheApproverRole() {
        String id = requestApproval(requester, globalKeyBody()).get("approval_id").asText();
        assertRefused(plainModule.post("/approvals/" + id + "/approve", ""), "approver_role_required");
        assertThat(requester.get("/approvals/" + id).text("status")).isEqualTo("pending");
    }

    @Test
    void anApprovalIsApprovedOnceAndAPendingOneExpires() {
        String id = requestApproval(requester, globalKeyBody()).get("approval_id").asText();
        assertThat(approver.post("/approvals/" + id + "/approve", "").status()).isEqualTo(200);
        assertRefused(approver.post("/approvals/" + id + "/approve", ""), "not_pending");

        String late = requestApproval(requester, globalKeyBody()).get("approval_id").asText();
        CLOCK.advance(Duration.ofHours(24));
        assertThat(requester.get("/approvals/" + late).text("status")).isEqualTo("expired");
        assertRefused(approver.post("/approvals/" + late + "/approve", ""), "approval_expired");
    }

    @Test
    void aForgedSignatureIsRefused() {
        ObjectNode body = globalKeyBody();
        String token = approvedToken(body);
        String[] parts = token.split("\\.");
        byte[] signature = Base64.getUrlDecoder().decode(parts[2]);
        signature[0] ^= 1;
        String forged = parts[0] + "." + parts[1] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(signature);
        assertRefused(createWithToken(requester, body, forged), "bad_signature");

        // a token claiming this service as issuer but signed by another key
        GovernanceIssuer impostor = GovernanceIssuer.ed25519("urn:zeroui:kms:approvals");
        Map<String, Object> claims = impostor.claims(UUID.randomUUID().toString(), "generate", null, "GLOBAL",
                GovernanceIssuer.digest(KmsClient.JSON.convertValue(body, Map.class)), requesterId, approverId,
                CLOCK.instant(), CLOCK.instant().plusSeconds(300));
        assertRefused(createWithToken(requester, body, impostor.sign(claims)), "bad_signature");
        assertRefused(createWithToken(requester, body, "not.a-jws"), "malformed_token");
    }

    @Test
    void tokensFromARegisteredGovernanceIssuerAreAcceptedOnce() {
        for (GovernanceIssuer issuer : List.of(M32, GOV_RSA)) {
            ObjectNode body = globalKeyBody();
            Map<String, Object> claims = issuer.claims(UUID.randomUUID().toString(), "generate", null, "GLOBAL",
                    GovernanceIssuer.digest(KmsClient.JSON.convertValue(body, Map.class)), requesterId,
                    "user:alice@governance", CLOCK.instant(), CLOCK.instant().plusSeconds(300));
            String token = issuer.sign(claims);
            KmsClient.Response created = createWithToken(requester, body, token);
            assertThat(created.status()).as(issuer.name() + ": " + created.body()).isEqualTo(201);
            assertRefused(createWithToken(requester, body, token), "replayed");
        }
    }

    @Test
    void externalTokensMustBeApprovedBySomeoneElseWithTheRole() {
        ObjectNode body = globalKeyBody();
        String digest = GovernanceIssuer.digest(KmsClient.JSON.convertValue(body, Map.class));
        Instant now = CLOCK.instant();
        Map<String, Object> self = M32.claims(UUID.randomUUID().toString(), "generate", null, "GLOBAL", digest,
                requesterId, requesterId, now, now.plusSeconds(300));
        assertRefused(createWithToken(requester, body, M32.sign(self)), "self_approved");
        Map<String, Object> roleless = M32.claims(UUID.randomUUID().toString(), "generate", null, "GLOBAL", digest,
                requesterId, "user:bob", now, now.plusSeconds(300));
        roleless.put("approver_roles", List.of("viewer"));
        assertRefused(createWithToken(requester, body, M32.sign(roleless)), "approver_lacks_role");
        Map<String, Object> longLived = M32.claims(UUID.randomUUID().toString(), "generate", null, "GLOBAL", digest,
                requesterId, "user:bob", now, now.plus(Duration.ofHours(2)));
        assertRefused(createWithToken(requester, body, M32.sign(longLived)), "invalid_claims");
    }

    @Test
    void tokensFromAnUnknownIssuerAreRefused() {
        ObjectNode body = globalKeyBody();
        Map<String, Object> claims = STRANGER.claims(UUID.randomUUID().toString(), "generate", null, "GLOBAL",
                GovernanceIssuer.digest(KmsClient.JSON.convertValue(body, Map.class)), requesterId, approverId,
                CLOCK.instant(), CLOCK.instant().plusSeconds(300));
        assertRefused(createWithToken(requester, body, STRANGER.sign(claims)), "unknown_issuer");
        // a registered name does not help a token signed by another key
        claims.put("iss", "m32");
        assertRefused(createWithToken(requester, body, STRANGER.sign(claims)), "bad_signature");
    }

    @Test
    void approvalsAreTenantScopedAndValidated() {
        String id = requestApproval(requester, globalKeyBody()).get("approval_id").asText();
        // a tenant-bound module sees another tenant's approval as not found, approver role or not
        assertError(tenantModule.get("/approvals/" + id), 404, "INVALID_REQUEST");
        assertError(tenantModule.post("/approvals/" + id + "/approve", ""), 404, "INVALID_REQUEST");
        assertError(tenantModule.post("/approvals", Map.of("operation", "generate",
                "parameters", Map.of("tenant_id", "GLOBAL"))), 403, "UNAUTHORIZED");

        String acmeKey = tenantModule.createKey("acme", "Ed25519", "sign", "verify").text("key_id");
        assertError(requester.post("/approvals", Map.of("operation", "rotate", "key_id", UUID.randomUUID().toString())),
                404, "KEY_NOT_FOUND");
        KmsClient.Response rotate = tenantModule.post("/approvals", Map.of("operation", "rotate", "key_id", acmeKey,
                "parameters", Map.of("reason", "scheduled")));
        assertThat(rotate.status()).as(rotate.body()).isEqualTo(201);
        assertThat(rotate.text("tenant_id")).isEqualTo("acme");
        assertThat(rotate.text("key_id")).isEqualTo(acmeKey);

        JsonNode badOp = assertError(requester.post("/approvals", Map.of("operation", "format_disk")), 400, "INVALID_REQUEST");
        assertThat(badOp.at("/details/field").asText()).isEqualTo("operation");
        assertError(requester.post("/approvals", "{\"operation\":\"generate\",\"parameters\":{\"tenant_id\":\"GLOBAL\","
                + "\"ratio\":0.5}}"), 400, "INVALID_REQUEST");
        assertError(requester.post("/approvals", Map.of("operation", "rotate", "key_id", "alias/x")), 400, "INVALID_REQUEST");
        assertError(requester.get("/approvals/not-an-id"), 400, "INVALID_REQUEST");
        assertError(requester.get("/approvals/" + UUID.randomUUID()), 404, "INVALID_REQUEST");
        assertError(approver.post("/approvals/" + id + "/approve", "{\"comment\":\"x\"}"), 400, "INVALID_REQUEST");
    }

    @Test
    void configShowsTheRules() {
        JsonNode config = requester.get("/config").json();
        assertThat(config.get("dual_authorization_required_operations")).extracting(JsonNode::asText)
                .containsExactly("emergency_rotate", "schedule_destruction", "update_policy");
        assertThat(config.at("/dual_authorization/global_tenant_keys")).extracting(JsonNode::asText).contains("generate", "revoke");
        assertThat(config.at("/dual_authorization/external_issuers")).extracting(JsonNode::asText)
                .containsExactly("m32", "gov-rsa");
        assertThat(config.at("/dual_authorization/token_ttl").asText()).isEqualTo("PT10M");
    }
}
