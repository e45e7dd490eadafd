package com.zeroui.kms.keys;

import com.zeroui.kms.audit.AuditRecord;
import com.zeroui.kms.audit.AuditTrail;
import com.zeroui.kms.audit.Audited;
import com.zeroui.kms.auth.CallerIdentity;
import com.zeroui.kms.crypto.CryptoSuite;
import com.zeroui.kms.crypto.KeyType;
import com.zeroui.kms.error.KmsException;
import com.zeroui.kms.paging.IdCursor;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Key creation, metadata reads and listing. */
public final class KeyManagementService {
    public static final int MAX_ALLOWED_MODULES = 64;
    public static final int MAX_PAGE = 1000;
    public static final int DEFAULT_PAGE = 100;

    private final KeyRepository repository;
    private final AuditTrail audit;
    private final KeyCreator creator;
    private final KeyResolver resolver;
    private final DualAuthorization approvals;

    public KeyManagementService(KeyRepository repository, KeyMaterialCache material, CryptoSuite crypto, Clock clock,
                                long defaultMaxUsagePerDay, String masterKeyId, AuditTrail audit,
                                DualAuthorization approvals) {
        this.audit = audit;
        this.approvals = approvals;
        this.creator = new KeyCreator(repository, material, crypto, clock, defaultMaxUsagePerDay, masterKeyId, audit.events());
        this.repository = repository;
        this.resolver = new KeyResolver(repository, material, clock);
    }

    /** Requested policy; null fields take defaults. */
    public record PolicyRequest(List<String> allowedModules, Boolean requiresApproval, Long maxUsagePerDay) {
    }

    /** {@code rotationPeriodDays} null: the configured schedule applies. */
    public record CreateKey(KeyScope scope, KeyType type, Set<KeyUsage> usage, String alias, PolicyRequest policy,
                            Integer rotationPeriodDays, com.zeroui.kms.keystore.ProtectionLevel protectionLevel) {
        public CreateKey {
            protectionLevel = protectionLevel == null ? com.zeroui.kms.keystore.ProtectionLevel.SOFTWARE : protectionLevel;
        }

        public CreateKey(KeyScope scope, KeyType type, Set<KeyUsage> usage, String alias, PolicyRequest policy,
                         Integer rotationPeriodDays) {
            this(scope, type, usage, alias, policy, rotationPeriodDays, null);
        }

        public CreateKey(KeyScope scope, KeyType type, Set<KeyUsage> usage, String alias, PolicyRequest policy) {
            this(scope, type, usage, alias, policy, null, null);
        }
    }

    /**
     * The approval a gated request carries: its {@code approval_token} (null when it sent none) and
     * the parameters the token must approve (the request body without the token).
     */
    public record ApprovalClaim(String token, Map<String, Object> parameters) {
        public static final ApprovalClaim NONE = new ApprovalClaim(null, Map.of());

        public ApprovalClaim {
            parameters = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(parameters));
        }
    }

    /** Generates, wraps and durably stores a key; returns only after the commit and its receipt. */
    public Audited<KeyRecord> create(CallerIdentity caller, CreateKey request) {
        return create(caller, request, ApprovalClaim.NONE);
    }

    /**
     * As {@link #create(CallerIdentity, CreateKey)}; when generation in the request's tenant needs
     * dual authorization (the GLOBAL tenant by default), {@code approval} must carry a token that
     * approves exactly these parameters for this caller.
     */
    public Audited<KeyRecord> create(CallerIdentity caller, CreateKey request, ApprovalClaim approval) {
        AuditRecord record = audit.begin("key_generated", "generate", caller)
                .scope(request.scope().tenantId(), request.scope().environment().apiName(), request.scope().plane().apiName())
                .param("key_type", request.type().apiName())
                .param("key_usage", request.usage().stream().map(KeyUsage::apiName).sorted().toList())
                .param("key_alias", request.alias());
        return audit.run(record, () -> {
            KeyRecord key = creator.create(caller, request, () -> {
                if (approvals.requiresApproval(DualAuthorization.GENERATE, request.scope().tenantId(), false)) {
                    approvals.require(caller, DualAuthorization.GENERATE, null, approval.parameters(), approval.token());
                }
            });
            record.key(key.keyId(), key.type().sizeBits());
            return key;
        });
    }

    /**
     * Metadata of one key. {@code tenantId} null means the caller's own tenant (any tenant for an
     * admin looking up by id); environment and plane, when given, must match.
     */
    public Audited<KeyRecord> get(CallerIdentity caller, String tenantId, Environment environment, Plane plane, KeyRef ref) {
        AuditRecord record = audit.begin("key_read", "read", caller)
                .scope(tenantId, environment == null ? null : environment.apiName(), plane == null ? null : plane.apiName())
                .keyRef(ref.toString());
        return audit.run(record, () -> {
            KeyRecord key = getUnaudited(caller, tenantId, environment, plane, ref);
            record.key(key.keyId(), key.type().sizeBits())
                    .subject(key.tenantId(), key.scope().environment().apiName(), key.scope().plane().apiName());
            return key;
        });
    }

    KeyRecord getUnaudited(CallerIdentity caller, String tenantId, Environment requestedEnvironment, Plane plane, KeyRef ref) {
        return resolver.findForCaller(caller, tenantId, requestedEnvironment, plane, ref);
    }

    public record Page(List<KeyRecord> keys, String nextCursor) {
    }

    /** Lists the caller's keys (an admin: any tenant's, or one tenant's when named). */
    public Audited<Page> list(CallerIdentity caller, KeyRepository.KeyFilter filter, Integer limit, String cursor) {
        AuditRecord record = audit.begin("keys_listed", "list", caller)
                .scope(filter.tenantId(), filter.environment() == null ? null : filter.environment().apiName(),
                        filter.plane() == null ? null : filter.plane().apiName())
                .param("key_type", filter.keyType() == null ? null : filter.keyType().apiName())
                .param("key_state", filter.keyState() == null ? null : filter.keyState().apiName())
                .param("alias", filter.alias()).param("limit", limit).param("cursor", cursor);
        return audit.run(record, () -> listUnaudited(caller, filter, limit, cursor));
    }

    private Page listUnaudited(CallerIdentity caller, KeyRepository.KeyFilter filter, Integer limit, String cursor) {
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
        String after = cursor == null ? null : IdCursor.decode('k', cursor);
        KeyRepository.KeyFilter scoped = new KeyRepository.KeyFilter(tenant,
                KeyResolver.boundEnvironment(caller, filter.environment()), filter.plane(),
                filter.keyType(), filter.keyState(), filter.alias(), after);
        List<KeyRecord> rows = repository.list(scoped, size + 1);
        boolean more = rows.size() > size;
        List<KeyRecord> page = more ? rows.subList(0, size) : rows;
        String next = more ? IdCursor.encode('k', page.get(page.size() - 1).keyId()) : null;
        java.time.Instant now = resolver.now();
        return new Page(page.stream().map(k -> k.asOf(now)).toList(), next);
    }


}
