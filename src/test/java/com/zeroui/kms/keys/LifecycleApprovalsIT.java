package com.zeroui.kms.keys;

import static com.zeroui.kms.support.ErrorResponseAssert.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zeroui.kms.auth.Role;
import com.zeroui.kms.ops.ApprovalConfig;
import com.zeroui.kms.ops.LimitsConfig;
import com.zeroui.kms.support.KmsClient;
import com.zeroui.kms.support.TestNode;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The lifecycle endpoints behind the two-person rule, and automatic revocation past the violation threshold. */
class LifecycleApprovalsIT {
    /** Approvals only where a key or tenant asks for them: for tests of other lifecycle concerns. */
    static final ApprovalConfig NO_ALWAYS_REQUIRED_APPROVALS = new ApprovalConfig(Duration.ofMinutes(10),
            Duration.ofHours(24), Set.of(), true, List.of());

    @Test
    void sensitiveLifecycleOperationsNeedAnApprovalBoundToTheirParameters() {
        try (TestNode node = TestNode.start()) {
            KmsClient owner = node.client("M21", "acme");
            KmsClient approver = node.client("gov", "acme", Role.APPROVER);
            String key = owner.createKey("acme", "AES-256", "encrypt", "decrypt").text("key_id");

            JsonNode missing = assertError(owner.post("/keys/" + key + "/schedule-destruction", json()), 403,
                    "POLICY_VIOLATION");
            assertThat(missing.at("/details/reason").asText()).isEqualTo("missing_token");
            assertThat(node.admin().get("/receipts/" + missing.at("/details/receipt_id").asText()).json()
                    .at("/receipt/kms_context/error_code").asText()).isEqualTo("POLICY_VIOLATION");

            String token = approve(owner, approver, "schedule_destruction", key, json().put("waiting_period_days", 30));
            JsonNode wrongWait = assertError(owner.post("/keys/" + key + "/schedule-destruction",
                    json().put("waiting_period_days", 7).put("approval_token", token)), 403, "POLICY_VIOLATION");
            assertThat(wrongWait.at("/details/reason").asText()).isEqualTo("wrong_parameters");
            KmsClient.Response scheduled = owner.post("/keys/" + key + "/schedule-destruction",
                    json().put("approval_token", token)); // no body value: the default 30 days, as approved
            assertThat(scheduled.status()).as(scheduled.body()).isEqualTo(200);
            assertThat(scheduled.json().get("key_state").asText()).isEqualTo("pending_destruction");
            // cancelling is not sensitive by default (it keeps material, it does not erase it)
            assertThat(owner.post("/keys/" + key + "/cancel-destruction", json()).json().get("key_state").asText())
                    .isEqualTo("active");
            assertThat(assertError(owner.post("/keys/" + key + "/schedule-destruction", json().put("approval_token", token)),
                    403, "POLICY_VIOLATION").at("/details/reason").asText()).as("single use").isEqualTo("replayed");

            // a key that asks for approval: even a plain rotation needs one, and the scheduler leaves it alone
            ObjectNode guarded = KmsClient.scope("acme", "dev", "tenant").put("key_type", "Ed25519");
            guarded.putArray("key_usage").add("sign");
            guarded.putObject("access_policy").put("requires_approval", true);
            String guardedKey = owner.post("/keys", guarded).text("key_id");
            assertThat(assertError(owner.post("/keys/" + guardedKey + "/rotate", json()), 403, "POLICY_VIOLATION")
                    .at("/details/reason").asText()).isEqualTo("missing_token");
            String rotateToken = approve(owner, approver, "rotate", guardedKey, json().put("emergency", false));
            KmsClient.Response rotated = owner.post("/keys/" + guardedKey + "/rotate", json().put("approval_token", rotateToken));
            assertThat(rotated.status()).as(rotated.body()).isEqualTo(200);
            assertThat(assertError(owner.post("/keys/" + rotated.json().at("/key/key_id").asText() + "/rotate",
                    json().put("approval_token", rotateToken)), 403, "POLICY_VIOLATION").at("/details/reason").asText())
                    .isIn("wrong_key", "replayed");
        }
    }

    @Test
    void aKeyThatCollectsTooManyPolicyViolationsIsRevokedByTheService() {
        try (TestNode node = TestNode.start(cfg -> cfg.limits(new LimitsConfig(0, 0, 0, 0, 3, Duration.ofMinutes(10))))) {
            KmsClient owner = node.client("M21", "acme");
            KmsClient intruder = node.client("M40", "acme");
            String key = owner.createKey("acme", "Ed25519", "sign", "verify").text("key_id");
            for (int i = 0; i < 2; i++) {
                assertError(intruder.sign("acme", key, new byte[] {1}, null), 403, "POLICY_VIOLATION");
            }
            assertThat(owner.get("/keys/" + key).json().get("key_state").asText()).isEqualTo("active");
            assertError(intruder.sign("acme", key, new byte[] {1}, null), 403, "POLICY_VIOLATION");

            JsonNode revoked = owner.get("/keys/" + key).json();
            assertThat(revoked.get("key_state").asText()).isEqualTo("revoked");
            assertThat(revoked.get("revocation_reason").asText()).isEqualTo("policy_violation");
            assertError(owner.sign("acme", key, new byte[] {1}, null), 409, "KEY_REVOKED");
            JsonNode receipts = node.admin().get("/audit/receipts?operation=key_revoked&key_id=" + key).json().get("receipts");
            assertThat(receipts).hasSize(1);
            assertThat(receipts.get(0).at("/receipt/requesting_module").asText()).isEqualTo("@kms");
            assertThat(node.admin().get("/events?tenant_id=acme").json().get("events")).anySatisfy(e -> {
                assertThat(e.at("/event/event_type").asText()).isEqualTo("key_revoked");
                assertThat(e.at("/event/payload/revocation_reason").asText()).isEqualTo("policy_violation");
            });
        }
    }

    private static String approve(KmsClient requester, KmsClient approver, String operation, String keyId,
                                  ObjectNode parameters) {
        ObjectNode request = json().put("operation", operation).put("key_id", keyId);
        request.set("parameters", parameters);
        KmsClient.Response pending = requester.post("/approvals", request);
        assertThat(pending.status()).as(pending.body()).isEqualTo(201);
        KmsClient.Response approved = approver.post("/approvals/" + pending.text("approval_id") + "/approve", "");
        assertThat(approved.status()).as(approved.body()).isEqualTo(200);
        return approved.text("approval_token");
    }

    private static ObjectNode json() {
        return KmsClient.JSON.createObjectNode();
    }
}
