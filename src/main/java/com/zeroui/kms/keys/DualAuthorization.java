package com.zeroui.kms.keys;

import com.zeroui.kms.auth.CallerIdentity;
import java.util.Map;
import java.util.Set;

/**
 * The two-person rule as the key services see it: which operations need an approval token, and the
 * check that verifies and spends one. Implemented by {@code approvals.ApprovalGate}; a key service
 * calls {@link #require} inside its own audited operation, so a refusal (403 POLICY_VIOLATION)
 * leaves that operation's receipt.
 */
public interface DualAuthorization {
    String GENERATE = "generate";
    String ROTATE = "rotate";
    String EMERGENCY_ROTATE = "emergency_rotate";
    String REVOKE = "revoke";
    String SCHEDULE_DESTRUCTION = "schedule_destruction";
    String CANCEL_DESTRUCTION = "cancel_destruction";
    String UPDATE_POLICY = "update_policy";

    /** Operations on an existing key that change its lifecycle or policy. */
    Set<String> LIFECYCLE_OPERATIONS = Set.of(ROTATE, EMERGENCY_ROTATE, REVOKE, SCHEDULE_DESTRUCTION,
            CANCEL_DESTRUCTION, UPDATE_POLICY);

    /** Every operation an approval can be requested for. */
    Set<String> OPERATIONS = Set.of(GENERATE, ROTATE, EMERGENCY_ROTATE, REVOKE, SCHEDULE_DESTRUCTION,
            CANCEL_DESTRUCTION, UPDATE_POLICY);

    /**
     * Whether {@code operation} on a key of {@code tenantId} needs an approval token.
     *
     * @param keyRequiresApproval the key's {@code access_policy.requires_approval} (false for generate)
     */
    boolean requiresApproval(String operation, String tenantId, boolean keyRequiresApproval);

    /** {@link #requiresApproval(String, String, boolean)} for an existing key. */
    default boolean requiresApproval(String operation, KeyRecord key) {
        return requiresApproval(operation, key.tenantId(), key.policy().requiresApproval());
    }

    /**
     * Verifies that {@code approvalToken} approves exactly this operation, key and parameters for
     * this requester, then spends it (single use, across nodes). Returns normally or throws 403
     * POLICY_VIOLATION naming the reason in {@code details.reason}.
     *
     * @param keyId      the resolved key id; null for generate
     * @param parameters the operation's parameters as the approval request named them (see docs/key-lifecycle.md, "Dual authorization")
     */
    void require(CallerIdentity requester, String operation, String keyId, Map<String, Object> parameters,
                 String approvalToken);

    /** Nothing needs approval: for the service's own keys and for tests of other concerns. */
    DualAuthorization NONE = new DualAuthorization() {
        @Override
        public boolean requiresApproval(String operation, String tenantId, boolean keyRequiresApproval) {
            return false;
        }

        @Override
        public void require(CallerIdentity requester, String operation, String keyId, Map<String, Object> parameters,
                            String approvalToken) {
        }
    };
}
