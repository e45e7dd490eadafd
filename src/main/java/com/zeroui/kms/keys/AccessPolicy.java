package com.zeroui.kms.keys;

import java.util.List;

/** Per-key policy from the spec's KeyMetadata.access_policy. */
public record AccessPolicy(List<String> allowedModules, boolean requiresApproval, long maxUsagePerDay) {
    public AccessPolicy {
        allowedModules = List.copyOf(allowedModules);
    }

    public boolean allows(String moduleId) {
        return allowedModules.contains(moduleId);
    }
}
