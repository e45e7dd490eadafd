package com.zeroui.kms.auth;

import com.zeroui.kms.error.ErrorCode;
import com.zeroui.kms.error.KmsException;
import java.util.Map;

/**
 * The one place that decides whether a caller may act for a tenant and in an environment: every
 * service asks here (ArchitectureTest forbids {@link CallerIdentity#mayActFor} anywhere else).
 *
 * <ul>
 *   <li>Tenant: a caller acts for its own tenant; an admin for any (403 UNAUTHORIZED otherwise).</li>
 *   <li>Environment: a caller narrowed by a bearer token acts only in its token's environment (403
 *       UNAUTHORIZED), and a read that names no environment is confined to it.</li>
 *   <li>Reach: what spans every environment of a tenant (its trust anchors) or the whole service
 *       (compliance, archives) is beyond a token-bound caller: it may read the tenant-wide things that
 *       apply in its environment, never change them ({@link #requireUnbound}).</li>
 * </ul>
 *
 * Environments are named by their API names (auth does not depend on the key model).
 */
public final class Tenancy {
    private Tenancy() {
    }

    /** Whether {@code caller} may act for {@code tenantId}: for filters, where a refusal hides rather than fails. */
    public static boolean mayActFor(CallerIdentity caller, String tenantId) {
        return caller.mayActFor(tenantId);
    }

    /** Whether {@code caller} may act in {@code environment} (null: no environment named, always true). */
    public static boolean mayActIn(CallerIdentity caller, String environment) {
        String bound = caller.boundEnvironment();
        return bound == null || environment == null || bound.equals(environment);
    }

    /** Whether the caller may see something of {@code tenantId} in {@code environment}. */
    public static boolean maySee(CallerIdentity caller, String tenantId, String environment) {
        return mayActFor(caller, tenantId) && mayActIn(caller, environment);
    }

    /**
     * Whether a token-bound caller may see a record filed in {@code environment} (tenancy checked
     * apart). A record that names no environment is seen when it applies in every environment of its
     * tenant ({@code tenantWide}, e.g. a trust anchor change); otherwise it is not, as it cannot be
     * shown to be of the token's environment. An unbound caller sees both.
     */
    public static boolean maySeeFiledIn(CallerIdentity caller, String environment, boolean tenantWide) {
        String bound = caller.boundEnvironment();
        if (bound == null) {
            return true;
        }
        return environment == null ? tenantWide : bound.equals(environment);
    }

    /**
     * Refuses {@code what} (e.g. "changing tenant acme's trust anchors") to a caller a bearer token
     * binds to one environment: the action reaches beyond that environment, and a token narrows what
     * a certificate may do, never widens it.
     */
    public static void requireUnbound(CallerIdentity caller, String what) {
        String bound = caller.boundEnvironment();
        if (bound != null) {
            throw new KmsException(ErrorCode.UNAUTHORIZED, "caller " + caller.moduleId() + "'s bearer token binds it to"
                    + " environment " + bound + ", and " + what + " reaches beyond that environment (it needs a caller no"
                    + " token narrows)", Map.of("token_environment", bound, "reason", "beyond_token_environment"));
        }
    }

    public static void requireTenant(CallerIdentity caller, String tenantId) {
        if (!caller.mayActFor(tenantId)) {
            throw new KmsException(ErrorCode.UNAUTHORIZED, "caller " + caller.moduleId() + " is bound to tenant "
                    + caller.tenantId() + " and may not act for tenant " + tenantId,
                    Map.of("tenant_id", tenantId, "caller_tenant_id", caller.tenantId()));
        }
    }

    public static void requireEnvironment(CallerIdentity caller, String environment) {
        if (!mayActIn(caller, environment)) {
            throw new KmsException(ErrorCode.UNAUTHORIZED, "caller " + caller.moduleId() + "'s bearer token binds it to"
                    + " environment " + caller.boundEnvironment() + " and it may not act in environment " + environment,
                    Map.of("environment", environment, "token_environment", caller.boundEnvironment()));
        }
    }

    /** Tenant binding, then the token's environment binding. */
    public static void requireScope(CallerIdentity caller, String tenantId, String environment) {
        requireTenant(caller, tenantId);
        requireEnvironment(caller, environment);
    }

    /**
     * The environment a read acts in: the requested one, which must be the token's when a token binds
     * the caller; when none is requested, the token's (null without a token: any).
     */
    public static String environmentFor(CallerIdentity caller, String requested) {
        if (requested == null) {
            return caller.boundEnvironment();
        }
        requireEnvironment(caller, requested);
        return requested;
    }
}
