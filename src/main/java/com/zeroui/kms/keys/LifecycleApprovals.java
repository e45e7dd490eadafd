package com.zeroui.kms.keys;

import com.zeroui.kms.auth.CallerIdentity;
import java.util.Map;

/**
 * The two-person rule at the lifecycle's entry points. Implementations decide from configuration
 * whether {@code operation} on {@code key} needs an approval and, if so, verify and consume the
 * token — throwing 403 POLICY_VIOLATION otherwise.
 */
public interface LifecycleApprovals {
    LifecycleApprovals NONE = (caller, operation, key, parameters, approvalToken) -> { };

    /**
     * @param operation  rotate, emergency_rotate, revoke, schedule_destruction, cancel_destruction, update_policy
     * @param parameters the operation's parameters, bound into the approval by digest
     */
    void require(CallerIdentity caller, String operation, KeyRecord key, Map<String, Object> parameters, String approvalToken);
}
