package com.zeroui.kms.keys;

import com.zeroui.kms.auth.CallerIdentity;
import com.zeroui.kms.auth.SpiffeIdentities;
import com.zeroui.kms.crypto.CryptoSuite;
import com.zeroui.kms.crypto.KeyType;
import com.zeroui.kms.error.ErrorCode;
import com.zeroui.kms.error.KmsException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Key creation, metadata reads and listing. */
public final class KeyManagementService {
    public static final int MAX_ALLOWED_MODULES = 64;
    public static final int MAX_PAGE = 1000;
    public static final int DEFAULT_PAGE = 100;

    private final KeyRepository repository;
    private final KeyMaterialCache material;
    private final CryptoSuite crypto;
    private final KeyResolver resolver;
    private final Clock clock;
    private final long defaultMaxUsagePerDay;
    private final String masterKeyId;

    public KeyManagementService(KeyRepository repository, KeyMaterialCache material, CryptoSuite crypto, Clock clock,
                                long defaultMaxUsagePerDay, String masterKeyId) {
        this.repository = repository;
        this.material = material;
        this.crypto = crypto;
        this.resolver = new KeyResolver(repository);
        this.clock = clock;
        this.defaultMaxUsagePerDay = defaultMaxUsagePerDay;
        this.masterKeyId = masterKeyId;
    }

    /** Requested policy; null fields take defaults. */
    public record PolicyRequest(List<String> allowedModules, Boolean requiresApproval, Long maxUsagePerDay) {
    }

    public record CreateKey(KeyScope scope, KeyType type, Set<KeyUsage> usage, String alias, PolicyRequest policy) {
    }

    /** Generates, wraps and durably stores a key; returns only after the commit. */
    public KeyRecord create(CallerIdentity caller, CreateKey request) {
        KeyResolver.requireTenant(caller, request.scope().tenantId());
        Set<KeyUsage> usage = EnumSet.copyOf(request.usage());
        if (!KeyUsage.permittedFor(request.type()).containsAll(usage)) {
            throw KmsException.invalid("key_usage", "key_usage " + usage.stream().map(KeyUsage::apiName).sorted().toList()
                    + " is not valid for key_type " + request.type() + " (allowed: "
                    + KeyUsage.permittedFor(request.type()).stream().map(KeyUsage::apiName).toList() + ")");
        }
        if (request.alias() != null && !KeyRef.ALIAS.matcher(request.alias()).matches()) {
            throw KmsException.invalid("key_alias", "key_alias must match " + KeyRef.ALIAS.pattern());
        }
        AccessPolicy policy = policyFor(caller, request.policy());
        String keyId = KeyIds.newId(clock);
        CryptoSuite.GeneratedKey generated = crypto.generate(request.type());
        byte[] wrapped;
        try {
            wrapped = material.wrap(request.scope().tenantId(), keyId, generated.material());
        } finally {
            generated.material().destroy();
        }
        Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS); // the stored precision
        KeyRecord key = new KeyRecord(keyId, request.scope(), request.type(), usage, request.alias(), KeyState.ACTIVE,
                now, now, null, 0, policy, caller.moduleId(), generated.publicKeySpki(), wrapped, masterKeyId);
        try {
            repository.insert(key);
        } catch (KeyRepository.AliasTakenException e) {
            throw new KmsException(ErrorCode.INVALID_REQUEST, "key_alias " + request.alias()
                    + " is already used in tenant " + request.scope().tenantId() + " environment "
                    + request.scope().environment().apiName(), Map.of("field", "key_alias"));
        }
        return key;
    }

    private AccessPolicy policyFor(CallerIdentity caller, PolicyRequest requested) {
        List<String> modules = requested == null || requested.allowedModules() == null
                ? List.of(caller.moduleId()) : List.copyOf(requested.allowedModules());
        if (modules.isEmpty() || modules.size() > MAX_ALLOWED_MODULES) {
            throw KmsException.invalid("access_policy.allowed_modules",
                    "access_policy.allowed_modules must name 1 to " + MAX_ALLOWED_MODULES + " modules");
        }
        for (String module : modules) {
            if (module == null || !SpiffeIdentities.ID.matcher(module).matches()) {
                throw KmsException.invalid("access_policy.allowed_modules",
                        "access_policy.allowed_modules entries must match " + SpiffeIdentities.ID.pattern());
            }
        }
        long maxUsage = requested == null || requested.maxUsagePerDay() == null
                ? defaultMaxUsagePerDay : requested.maxUsagePerDay();
        if (maxUsage < 1) {
            throw KmsException.invalid("access_policy.max_usage_per_day", "access_policy.max_usage_per_day must be at least 1");
        }
        boolean approval = requested != null && Boolean.TRUE.equals(requested.requiresApproval());
        return new AccessPolicy(modules.stream().distinct().toList(), approval, maxUsage);
    }

    /**
     * Metadata of one key. {@code tenantId} null means the caller's own tenant (any tenant for an
     * admin looking up by id); environment and plane, when given, must match.
     */
    public KeyRecord get(CallerIdentity caller, String tenantId, Environment environment, Plane plane, KeyRef ref) {
        String tenant = tenantId != null ? tenantId : (caller.isAdmin() && !ref.isAlias() ? null : caller.tenantId());
        if (tenant != null) {
            KeyResolver.requireTenant(caller, tenant);
        }
        KeyRecord key;
        if (ref.isAlias()) {
            if (environment == null) {
                throw KmsException.invalid("environment", "environment is required to look up a key by alias");
            }
            key = repository.findByAlias(tenant, environment, ref.alias()).orElseThrow(() -> KeyResolver.notFound(ref));
        } else {
            key = repository.findById(ref.keyId()).orElseThrow(() -> KeyResolver.notFound(ref));
        }
        boolean inScope = (tenant == null || key.tenantId().equals(tenant))
                && (environment == null || key.scope().environment() == environment)
                && (plane == null || key.scope().plane() == plane);
        if (!inScope) {
            throw KeyResolver.notFound(ref);
        }
        return key;
    }

    public record Page(List<KeyRecord> keys, String nextCursor) {
    }

    /** Lists the caller's keys (an admin: any tenant's, or one tenant's when named). */
    public Page list(CallerIdentity caller, KeyRepository.KeyFilter filter, Integer limit, String cursor) {
        String tenant = filter.tenantId();
        if (tenant != null) {
            KeyResolver.requireTenant(caller, tenant);
        } else if (!caller.isAdmin()) {
            tenant = caller.tenantId();
        }
        int size = limit == null ? DEFAULT_PAGE : limit;
        if (size < 1 || size > MAX_PAGE) {
            throw KmsException.invalid("limit", "limit must be between 1 and " + MAX_PAGE);
        }
        String after = cursor == null ? null : decodeCursor(cursor);
        KeyRepository.KeyFilter scoped = new KeyRepository.KeyFilter(tenant, filter.environment(), filter.plane(),
                filter.keyType(), filter.keyState(), filter.alias(), after);
        List<KeyRecord> rows = repository.list(scoped, size + 1);
        boolean more = rows.size() > size;
        List<KeyRecord> page = more ? rows.subList(0, size) : rows;
        String next = more ? encodeCursor(page.get(page.size() - 1).keyId()) : null;
        return new Page(List.copyOf(page), next);
    }

    private static String encodeCursor(String keyId) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(("k:" + keyId).getBytes(StandardCharsets.UTF_8));
    }

    private static String decodeCursor(String cursor) {
        try {
            String decoded = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            // only our own cursors: "k:" then a key id (UUID text), nothing a store could choke on
            if (decoded.startsWith("k:") && decoded.substring(2).matches("[0-9a-f-]{36}")) {
                return decoded.substring(2);
            }
        } catch (IllegalArgumentException e) {
            // fall through to the error below
        }
        throw KmsException.invalid("cursor", "cursor is not one this service issued");
    }
}
