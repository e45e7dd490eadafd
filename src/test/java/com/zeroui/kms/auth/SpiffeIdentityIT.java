package com.zeroui.kms.auth;

import static com.zeroui.kms.support.ErrorResponseAssert.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zeroui.kms.ops.ApprovalConfig;
import com.zeroui.kms.support.Csrs;
import com.zeroui.kms.support.KmsClient;
import com.zeroui.kms.support.TestNode;
import com.zeroui.kms.trust.InternalCa;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 11 §1 through the real API: a SPIFFE ID the specification forbids is neither enrolled nor
 * accepted at authentication, so one identity cannot pass for two and approve its own request.
 */
class SpiffeIdentityIT {
    static final String REQUESTER = "spiffe://zeroui.local/tenant/tA/module/appr";
    static TestNode node;

    @BeforeAll
    static void start() {
        node = TestNode.start(cfg -> cfg.approvals(new ApprovalConfig(Duration.ofMinutes(10), Duration.ofHours(24),
                Set.of("revoke"), true, List.of())));
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    /** A client whose certificate the internal CA signed with exactly these URI SANs (as one issued before the fix). */
    static KmsClient presenting(String... uris) {
        InternalCa ca = node.node().data().ca().ca();
        KeyPair keys = InternalCa.newEcKeyPair();
        X509Certificate cert = ca.issueClient(keys.getPublic(), "appr", List.of(uris), Duration.ofHours(1));
        return KmsClient.fromCredential(node.baseUrl(), keys.getPrivate(), List.of(cert, ca.issuing()), ca.root());
    }

    @Test
    void theRequesterCannotApproveItsOwnRevokeUnderAnotherSpellingOfItsIdentity() {
        KmsClient requester = node.client("appr", "tA");
        String key = requester.createKey("tA", "AES-256", "encrypt", "decrypt").text("key_id");
        ObjectNode revoke = KmsClient.JSON.createObjectNode().put("reason", "compromised");
        ObjectNode request = KmsClient.JSON.createObjectNode().put("operation", "revoke").put("key_id", key);
        request.set("parameters", revoke);
        KmsClient.Response pending = requester.post("/approvals", request);
        assertThat(pending.status()).as(pending.body()).isEqualTo(201);
        String approvalId = pending.text("approval_id");

        // the admin cannot have the disguised identity certified any more ...
        String disguised = "spiffe://x@zeroui.local/tenant/tA/module/appr";
        JsonNode refused = assertError(node.admin().post("/certificates",
                Csrs.body(Csrs.withUris(Csrs.ec("secp256r1"), disguised, Role.APPROVER.urn()), "client", "PT1H")),
                400, "INVALID_REQUEST");
        assertThat(refused.get("message").asText()).contains("user info");
        // ... and one certified earlier no longer authenticates: it cannot approve its own request
        KmsClient twin = presenting(disguised, Role.APPROVER.urn());
        JsonNode unauthenticated = assertError(twin.post("/approvals/" + approvalId + "/approve", ""), 401,
                "UNAUTHENTICATED");
        assertThat(unauthenticated.get("message").asText()).contains("SPIFFE ID");

        assertThat(assertError(requester.post("/keys/" + key + "/revoke", revoke), 403, "POLICY_VIOLATION")
                .at("/details/reason").asText()).isEqualTo("missing_token");
        assertThat(requester.get("/keys/" + key).json().get("key_state").asText()).isEqualTo("active");

        // a second person still can, and the approval names the canonical requester
        KmsClient approver = node.client("sec", "tA", Role.APPROVER);
        KmsClient.Response approved = approver.post("/approvals/" + approvalId + "/approve", "");
        assertThat(approved.status()).as(approved.body()).isEqualTo(200);
        assertThat(approved.json().get("requested_by").asText()).isEqualTo(REQUESTER);
    }

    @ParameterizedTest
    @ValueSource(strings = {"spiffe://x@zeroui.local/tenant/tA/module/appr", "spiffe://zeroui.local:1/tenant/tA/module/appr",
            "spiffe://zeroui.local/tenant/GLOBAL/module/appr", "SPIFFE://zeroui.local/tenant/tA/module/appr",
            "spiffe://zeroui.local/tenant/tA/module/app%72", "spiffe://zeroui.local/tenant/tA/module/appr/",
            "spiffe://zeroui.local/tenant/tA/./module/appr"})
    void aForbiddenSpiffeIdIsRefusedAtEnrollmentAndAtAuthentication(String uri) {
        assertError(node.admin().post("/certificates", Csrs.body(Csrs.withUris(Csrs.ec("secp256r1"), uri), "client", "PT1H")),
                400, "INVALID_REQUEST");
        assertError(presenting(uri).get("/keys?tenant_id=tA"), 401, "UNAUTHENTICATED");
    }

    @Test
    void aPlatformModuleIsNamedWithoutATenantAndCanRenewOnlyThatName() {
        KmsClient platform = node.client("ops", null);
        assertThat(platform.get("/keys?tenant_id=GLOBAL").status()).isEqualTo(200);
        KeyPair keys = Csrs.ec("secp256r1");
        assertError(platform.post("/certificates", Csrs.body(Csrs.withUris(keys,
                "spiffe://zeroui.local/tenant/GLOBAL/module/ops"), "client", "PT1H")), 400, "INVALID_REQUEST");
        KmsClient.Response renewed = platform.post("/certificates", Csrs.body(Csrs.withUris(keys,
                "spiffe://zeroui.local/module/ops"), "client", "PT1H"));
        assertThat(renewed.status()).as(renewed.body()).isEqualTo(201);
    }
}
