package com.zeroui.kms.keys;

import com.zeroui.kms.auth.CallerIdentity;
import com.zeroui.kms.auth.Tenancy;
import com.zeroui.kms.error.ErrorCode;
import com.zeroui.kms.error.KmsException;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * The request path's checks in order: tenant binding, and the environment a bearer token binds
 * the caller to (403 UNAUTHORIZED), lookup inside the
 * requested (tenant, environment, plane) (404 KEY_NOT_FOUND, identical for another tenant's key
 * and an unknown one), per-key policy (403 POLICY_VIOLATION), usage, limits (429 RATE_LIMITED),
 * then state (409).
 */
final class KeyResolver {
    private final KeyRepository repository;
    private final KeyMaterialCache material;
    private final Clock clock;
    private final UsageLimiter limits;

    KeyResolver(KeyRepository repository, KeyMaterialCache material, Clock clock) {
        this(repository, material, clock, UsageLimiter.NONE);
    }

    KeyResolver(KeyRepository repository, KeyMaterialCache material, Clock clock, UsageLimiter limits) {
        this.repository = repository;
        this.material = material;
        this.clock = clock;
        this.limits = limits;
    }

    Instant now() {
        return clock.instant();
    }

    /**
     * A key by id or alias for a metadata read or a lifecycle operation. {@code tenantId} null means
     * the caller's own tenant (any tenant for an admin looking up by id); environment and plane, when
     * given, must match. Returns the record as of now (its effective state).
     */
    KeyRecord findForCaller(CallerIdentity caller, String tenantId, Environment requestedEnvironment, Plane plane,
                            KeyRef ref) {
        String tenant = tenantId != null ? tenantId : (caller.isAdmin() && !ref.isAlias() ? null : caller.tenantId());
        if (tenant != null) {
            requireTenant(caller, tenant);
        }
        Environment environment = boundEnvironment(caller, requestedEnvironment);
        KeyRecord key;
        if (ref.isAlias()) {
            if (environment == null) {
                throw KmsException.invalid("environment", "environment is required to look up a key by alias");
            }
            key = repository.findByAlias(tenant, environment, ref.alias()).orElseThrow(() -> notFound(ref));
        } else {
            key = repository.findById(ref.keyId()).orElseThrow(() -> notFound(ref));
        }
        boolean inScope = (tenant == null || key.tenantId().equals(tenant))
                && (environment == null || key.scope().environment() == environment)
                && (plane == null || key.scope().plane() == plane);
        if (!inScope) {
            throw notFound(ref);
        }
        return key.asOf(clock.instant());
    }

    /** The spec's key_lifecycle enforcement point: the module must be in allowed_modules (or be an admin). */
    static void requireLifecyclePolicy(CallerIdentity caller, KeyRecord key, KeyOperation operation) {
        if (!caller.isAdmin() && !key.policy().allows(caller.moduleId())) {
            throw new KmsException(ErrorCode.POLICY_VIOLATION, "module " + caller.moduleId()
                    + " is not in the access policy of key " + key.keyId(),
                    Map.of("key_id", key.keyId(), "module_id", caller.moduleId(), "operation", operation.apiName()));
        }
    }

    static void requireTenant(CallerIdentity caller, String tenantId) {
        Tenancy.requireTenant(caller, tenantId);
    }

    /** Tenant binding, then the token's environment binding: a token-bound caller acts only in its token's environment. */
    static void requireScope(CallerIdentity caller, KeyScope scope) {
        Tenancy.requireScope(caller, scope.tenantId(), scope.environment().apiName());
    }

    /**
     * The environment a read acts in: the one requested, which must be the token's when a token
     * binds the caller; when none is requested, the token's (null without a token: any).
     */
    static Environment boundEnvironment(CallerIdentity caller, Environment requested) {
        String name = Tenancy.environmentFor(caller, requested == null ? null : requested.apiName());
        return name == null ? null : Environment.fromApiName(name).orElseThrow();
    }

    /** Finds the key in scope or throws KEY_NOT_FOUND; never reveals that a key exists elsewhere. */
    KeyRecord find(KeyScope scope, KeyRef ref) {
        Optional<KeyRecord> found = ref.isAlias()
                ? repository.findByAlias(scope.tenantId(), scope.environment(), ref.alias())
                : repository.findById(ref.keyId());
        return found.filter(k -> k.scope().equals(scope)).orElseThrow(() -> notFound(ref));
    }

    static KmsException notFound(KeyRef ref) {
        return new KmsException(ErrorCode.KEY_NOT_FOUND, "key not found: " + ref, Map.of("key_id", ref.toString()));
    }

    /** Resolves a key for one cryptographic use, applying every check in order. */
    KeyRecord resolveForUse(CallerIdentity caller, KeyScope scope, KeyRef ref, KeyUsage usage) {
        requireScope(caller, scope);
        KeyRecord key = find(scope, ref);
        if (!key.policy().allows(caller.moduleId())) {
            throw new KmsException(ErrorCode.POLICY_VIOLATION, "module " + caller.moduleId()
                    + " is not in the access policy of key " + key.keyId(),
                    Map.of("key_id", key.keyId(), "module_id", caller.moduleId(), "operation", usage.apiName()));
        }
        if (!KeyUsage.permittedFor(key.type()).contains(usage)) {
            throw new KmsException(ErrorCode.INVALID_REQUEST, "key " + key.keyId() + " of type " + key.type()
                    + " cannot " + usage.apiName(), Map.of("key_id", key.keyId(), "key_type", key.type().apiName(),
                    "operation", usage.apiName()));
        }
        if (!key.usage().contains(usage)) {
            throw new KmsException(ErrorCode.POLICY_VIOLATION, "key " + key.keyId() + " was not created for "
                    + usage.apiName(), Map.of("key_id", key.keyId(), "operation", usage.apiName(),
                    "key_usage", key.usage().stream().map(KeyUsage::apiName).sorted().toList()));
        }
        limits.admit(caller, key, usage);
        KeyState state = key.effectiveState(clock.instant());
        if (state == KeyState.REVOKED || state == KeyState.PENDING_DESTRUCTION || state == KeyState.DESTROYED) {
            material.evict(key.keyId()); // another node changed its state: drop what this node still holds
        }
        KeyStateMachine.require(key, state, KeyOperation.of(usage));
        return key;
    }
}
