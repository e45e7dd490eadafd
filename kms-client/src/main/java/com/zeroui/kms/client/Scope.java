package com.zeroui.kms.client;

import java.util.Objects;

/**
 * Where a key lives: every key operation names the tenant, environment ({@code dev|staging|prod}) and
 * plane ({@code laptop|tenant|product|shared}) of the key it addresses.
 */
public record Scope(String tenantId, String environment, String plane) {
    public Scope {
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(environment, "environment");
        Objects.requireNonNull(plane, "plane");
    }
}
