package com.zeroui.kms.auth;

import java.util.Set;

/**
 * Who is calling, from the client certificate. {@code tenantId} is the bound tenant; a platform
 * module's certificate names no tenant and binds it to {@link #GLOBAL_TENANT} (a SPIFFE ID never
 * spells {@code tenant/GLOBAL}, see {@link SpiffeId}). {@code spiffeId} is the canonical form
 * ({@link SpiffeId#toString()}), never the string the caller presented. {@code token} is the
 * verified bearer token that narrowed this identity, or null when the caller sent none. {@code via}
 * names the channel the call came through when it was not the API itself ({@link #VIA_CONSOLE}),
 * so that receipts say so; null for direct API calls.
 */
public record CallerIdentity(String moduleId, String tenantId, Set<Role> roles, String spiffeId, TokenBinding token,
                             String via) {
    public static final String GLOBAL_TENANT = "GLOBAL";
    /** The operator console: the same identity, authenticated by a console session bound to it. */
    public static final String VIA_CONSOLE = "console";

    /**
     * The service itself, owner of its receipt key. "@" cannot appear in a module id from a
     * certificate (see {@link SpiffeIdentities#ID}), so no caller can ever be this identity or be
     * allowed to use its keys.
     */
    public static final CallerIdentity SERVICE = new CallerIdentity("@kms", GLOBAL_TENANT, Set.of(), "internal:kms");

    public CallerIdentity {
        roles = Set.copyOf(roles);
    }

    /** An identity from a certificate alone. */
    public CallerIdentity(String moduleId, String tenantId, Set<Role> roles, String spiffeId) {
        this(moduleId, tenantId, roles, spiffeId, null);
    }

    /** An identity from a certificate, narrowed by {@code token} (or not, when null), calling the API directly. */
    public CallerIdentity(String moduleId, String tenantId, Set<Role> roles, String spiffeId, TokenBinding token) {
        this(moduleId, tenantId, roles, spiffeId, token, null);
    }

    /** This same identity (roles, tenant, token narrowing), calling through {@code channel}. */
    public CallerIdentity via(String channel) {
        return new CallerIdentity(moduleId, tenantId, roles, spiffeId, token, channel);
    }

    /**
     * This identity narrowed by a verified token: bound to the token's tenant and environment, and
     * without the admin role (a token narrows what a certificate may do, never widens it).
     */
    public CallerIdentity boundTo(String tokenTenantId, TokenBinding binding) {
        Set<Role> narrowed = roles.stream().filter(r -> r != Role.ADMIN).collect(java.util.stream.Collectors.toSet());
        return new CallerIdentity(moduleId, tokenTenantId, narrowed, spiffeId, binding, via);
    }

    /** The environment a token binds this caller to, or null when it is bound to none. */
    public String boundEnvironment() {
        return token == null ? null : token.environment();
    }

    public boolean isAdmin() {
        return roles.contains(Role.ADMIN);
    }

    /** True when this caller may act on {@code requestedTenant}: its own tenant, or any tenant for admins. */
    public boolean mayActFor(String requestedTenant) {
        return isAdmin() || tenantId.equals(requestedTenant);
    }
}
