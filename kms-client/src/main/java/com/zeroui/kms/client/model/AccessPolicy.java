package com.zeroui.kms.client.model;

import java.util.List;

/** Who may use a key and how often. */
public record AccessPolicy(List<String> allowedModules, Boolean requiresApproval, Integer maxUsagePerDay) {}
