package com.zeroui.kms.approvals;

import com.zeroui.kms.auth.CallerIdentity;
import com.zeroui.kms.keys.DualAuthorization;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which operations need a second person's approval (from configuration).
 *
 * @param alwaysRequired      operations that need approval on every key (default: emergency_rotate,
 *                            schedule_destruction, update_policy)
 * @param globalTenantKeys    whether every lifecycle operation on a GLOBAL-tenant key, and generating
 *                            one, needs approval (default: true)
 */
public record ApprovalRules(Set<String> alwaysRequired, boolean globalTenantKeys) {
    public static final Set<String> DEFAULT_ALWAYS = Set.of(DualAuthorization.EMERGENCY_ROTATE,
            DualAuthorization.SCHEDULE_DESTRUCTION, DualAuthorization.UPDATE_POLICY);

    public ApprovalRules {
        alwaysRequired = Set.copyOf(alwaysRequired);
        for (String op : alwaysRequired) {
            if (!DualAuthorization.OPERATIONS.contains(op)) {
                throw new IllegalArgumentException("unknown approval operation " + op);
            }
        }
    }

    /**
     * Any operation listed as always required; every operation on GLOBAL-tenant keys (when enabled);
     * every lifecycle operation on a key whose policy says {@code requires_approval}.
     */
    public boolean requiresApproval(String operation, String tenantId, boolean keyRequiresApproval) {
        if (!DualAuthorization.OPERATIONS.contains(operation)) {
            throw new IllegalArgumentException("unknown approval operation " + operation);
        }
        if (alwaysRequired.contains(operation)) {
            return true;
        }
        if (globalTenantKeys && CallerIdentity.GLOBAL_TENANT.equals(tenantId)) {
            return true;
        }
        return keyRequiresApproval && DualAuthorization.LIFECYCLE_OPERATIONS.contains(operation);
    }

    /** The always-required operations, sorted: GET /config's {@code dual_authorization_required_operations}. */
    public java.util.List<String> alwaysRequiredSorted() {
        return java.util.List.copyOf(new TreeSet<>(alwaysRequired));
    }
}
