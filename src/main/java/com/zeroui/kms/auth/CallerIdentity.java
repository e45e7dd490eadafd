package com.zeroui.kms.auth;

import java.util.Set;

/**
 * Who is calling, from the client certificate. {@code tenantId} is the bound tenant; a platform
 * module's certificate names no tenant and binds it to {@link #GLOBAL_TENANT}.
 */
public record CallerIdentity(String moduleId, String tenantId, Set<Role> roles, String spiffeId) {
    public static final String GLOBAL_TENANT = "GLOBAL";

    /**
     * The service itself, owner of its receipt key. "@" cannot appear in a module id from a
     * certificate (see {@link SpiffeIdentities#ID}), so no caller can ever be this identity or be
     * allowed to use its keys.
     */
    public static final CallerIdentity SERVICE = new CallerIdentity("@kms", GLOBAL_TENANT, Set.of(), "internal:kms");

    public CallerIdentity {
        roles = Set.copyOf(roles);
    }

    public boolean isAdmin() {
        return roles.contains(Role.ADMIN);
    }

    /** True when this caller may act on {@code requestedTenant}: its own tenant, or any tenant for admins. */
    public boolean mayActFor(String requestedTenant) {
        return isAdmin() || tenantId.equals(requestedTenant);
    }
}
