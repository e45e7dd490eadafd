package com.zeroui.kms.keys;

/** Where a key lives: every lookup happens inside exactly one scope. */
public record KeyScope(String tenantId, Environment environment, Plane plane) {
}
