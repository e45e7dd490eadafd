package com.zeroui.kms.approvals;

import com.zeroui.kms.audit.AuditRecord;
import com.zeroui.kms.audit.AuditTrail;
import com.zeroui.kms.audit.Audited;
import com.zeroui.kms.auth.CallerIdentity;
import com.zeroui.kms.auth.Tenancy;
import com.zeroui.kms.auth.Role;
import com.zeroui.kms.auth.SpiffeId;
import com.zeroui.kms.auth.SpiffeIdentities;
import com.zeroui.kms.crypto.RandomIds;
import com.zeroui.kms.error.ErrorCode;
import com.zeroui.kms.error.KmsException;
import com.zeroui.kms.keys.DualAuthorization;
import com.zeroui.kms.keys.KeyRecord;
import com.zeroui.kms.keys.KeyRef;
import com.zeroui.kms.keys.KeyRepository;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The approval workflow: a requester asks for one operation on one key with given parameters; a
 * different identity holding the approver role approves it and receives a short-lived, single-use
 * token that the requester then presents to the gated operation ({@link ApprovalGate}). Every step
 * is an audited operation with its receipt, refusals included.
 */
public final class ApprovalService {
    private final ApprovalRepository approvals;
    private final KeyRepository keys;
    private final ApprovalTokens tokens;
    private final AuditTrail audit;
    private final Clock clock;
    private final Duration requestTtl;
    private final Duration tokenTtl;

    public ApprovalService(ApprovalRepository approvals, KeyRepository keys, ApprovalTokens tokens, AuditTrail audit,
                           Clock clock, Duration requestTtl, Duration tokenTtl) {
        this.approvals = approvals;
        this.keys = keys;
        this.tokens = tokens;
        this.audit = audit;
        this.clock = clock;
        this.requestTtl = requestTtl;
        this.tokenTtl = tokenTtl;
    }

    /** An approved request with its token, which is shown once, to the approver. */
    public record Granted(Approval approval, String token) {
    }

    /** Records a pending request; the requester must be able to act for the key's tenant. */
    public Audited<Approval> request(CallerIdentity caller, String operation, String keyId, Map<String, Object> parameters) {
        AuditRecord record = audit.begin("approval_requested", "approval_request", caller)
                .param("approval_operation", operation);
        if (keyId != null) {
            record.keyRef(keyId);
        }
        return audit.run(record, () -> {
            if (!DualAuthorization.OPERATIONS.contains(operation)) {
                throw KmsException.invalid("operation", "operation must be one of "
                        + new java.util.TreeSet<>(DualAuthorization.OPERATIONS));
            }
            String canonical = ApprovalDigest.canonical("parameters", parameters);
            String digest = ApprovalDigest.of(canonical);
            record.param("parameters_digest", digest);
            Scope scope = DualAuthorization.GENERATE.equals(operation)
                    ? generationScope(caller, keyId, parameters) : keyScope(caller, keyId);
            if (scope.key() != null) {
                record.key(scope.key().keyId(), scope.key().type().sizeBits());
            }
            record.subject(scope.tenantId(), scope.environment(), scope.plane());
            Instant now = now();
            Approval approval = new Approval(RandomIds.uuid7(clock), operation, keyId, scope.tenantId(),
                    scope.environment(), scope.plane(), canonical, digest, caller.spiffeId(), caller.moduleId(),
                    ApprovalStatus.PENDING, now, now.plus(requestTtl), null, null, null, null);
            approvals.insert(approval);
            return approval;
        });
    }

    private record Scope(String tenantId, String environment, String plane, KeyRecord key) {
    }

    private Scope keyScope(CallerIdentity caller, String keyId) {
        if (keyId == null || keyId.isEmpty()) {
            throw KmsException.invalid("key_id", "key_id is required for every operation but generate");
        }
        if (keyId.startsWith(KeyRef.ALIAS_PREFIX)) {
            throw KmsException.invalid("key_id", "key_id must be a key id, not an alias: an approval binds one key");
        }
        KeyRecord key = keys.findById(keyId).filter(k -> Tenancy.mayActFor(caller, k.tenantId())).orElseThrow(() ->
                new KmsException(ErrorCode.KEY_NOT_FOUND, "key not found: " + keyId, Map.of("key_id", keyId)));
        requireEnvironment(caller, key.scope().environment().apiName());
        return new Scope(key.tenantId(), key.scope().environment().apiName(), key.scope().plane().apiName(), key);
    }

    /** generate names no key: the tenant (and, when given, environment and plane) come from its parameters. */
    private static Scope generationScope(CallerIdentity caller, String keyId, Map<String, Object> parameters) {
        if (keyId != null) {
            throw KmsException.invalid("key_id", "generate approvals name no key_id: the key does not exist yet");
        }
        if (!(parameters.get("tenant_id") instanceof String tenant) || !SpiffeIdentities.ID.matcher(tenant).matches()) {
            throw KmsException.invalid("parameters.tenant_id", "parameters.tenant_id is required for generate (the"
                    + " POST /kms/v1/keys body without approval_token) and must match " + SpiffeIdentities.ID.pattern());
        }
        if (!Tenancy.mayActFor(caller, tenant)) {
            throw new KmsException(ErrorCode.UNAUTHORIZED, "caller " + caller.moduleId() + " is bound to tenant "
                    + caller.tenantId() + " and may not act for tenant " + tenant,
                    Map.of("tenant_id", tenant, "caller_tenant_id", caller.tenantId()));
        }
        String environment = shortString(parameters.get("environment"));
        requireEnvironment(caller, environment);
        return new Scope(tenant, environment, shortString(parameters.get("plane")), null);
    }

    /** A caller whose bearer token binds it to an environment acts only there, as on every other route. */
    private static void requireEnvironment(CallerIdentity caller, String environment) {
        String bound = caller.boundEnvironment();
        if (bound != null && environment != null && !bound.equals(environment)) {
            throw new KmsException(ErrorCode.UNAUTHORIZED, "caller " + caller.moduleId() + "'s bearer token binds it to"
                    + " environment " + bound + " and it may not act in environment " + environment,
                    Map.of("environment", environment, "token_environment", bound));
        }
    }

    private static String shortString(Object value) {
        return value instanceof String s && s.length() <= 16 && s.matches("[a-z]+") ? s : null;
    }

    /** An approval the caller may see (its tenant's); another tenant's is not found, like an unknown one. */
    public Audited<Approval> get(CallerIdentity caller, String approvalId) {
        AuditRecord record = audit.begin("approval_read", "approval_read", caller).param("approval_id", approvalId);
        return audit.run(record, () -> {
            Approval approval = visible(caller, approvalId);
            describe(record, approval);
            return approval;
        });
    }

    public static final int MAX_PAGE = 200;

    /** A page of approvals, newest first; {@code nextCursor} is the id to continue before, or null at the end. */
    public record Page(java.util.List<Approval> approvals, String nextCursor) {
    }

    /**
     * Approvals the caller may see (its tenant's, every tenant's for an admin; only its bound
     * environment's under a bearer token), narrowed to {@code tenantId}, to its own requests when
     * {@code mine}, and to {@code statuses} (all when null). An approver's inbox is the pending ones.
     */
    public Audited<Page> list(CallerIdentity caller, String tenantId, boolean mine,
                              java.util.Set<ApprovalStatus> statuses, String beforeId, Integer limit) {
        AuditRecord record = audit.begin("approvals_listed", "approval_list", caller)
                .param("tenant_id", tenantId).param("mine", mine)
                .param("statuses", statuses == null ? null : statuses.stream().map(ApprovalStatus::apiName).sorted().toList());
        return audit.run(record, () -> {
            if (tenantId != null && !Tenancy.mayActFor(caller, tenantId)) {
                throw new KmsException(ErrorCode.UNAUTHORIZED, "caller " + caller.moduleId() + " may not read tenant "
                        + tenantId + "'s approvals", Map.of("tenant_id", tenantId));
            }
            String tenant = tenantId != null ? tenantId : caller.isAdmin() ? null : caller.tenantId();
            int size = limit == null ? 50 : limit;
            if (size < 1 || size > MAX_PAGE) {
                throw KmsException.invalid("limit", "limit must be between 1 and " + MAX_PAGE);
            }
            java.util.List<Approval> rows = approvals.list(new ApprovalRepository.ApprovalFilter(tenant,
                    mine ? caller.spiffeId() : null, statuses, caller.boundEnvironment()), clock.instant(), beforeId, size + 1);
            boolean more = rows.size() > size;
            java.util.List<Approval> page = more ? rows.subList(0, size) : rows;
            return new Page(java.util.List.copyOf(page), more ? page.get(page.size() - 1).approvalId() : null);
        });
    }

    /**
     * Approves a pending request and mints its token. The approver must hold the approver role, be
     * able to act for the approval's tenant and not be the requester.
     */
    public Audited<Granted> approve(CallerIdentity caller, String approvalId) {
        AuditRecord record = audit.begin("approval_granted", "approve", caller).param("approval_id", approvalId);
        return audit.run(record, () -> {
            Approval approval = visible(caller, approvalId);
            describe(record, approval);
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("approval_id", approvalId);
            details.put("operation", approval.operation());
            if (approval.keyId() != null) {
                details.put("key_id", approval.keyId());
            }
            if (!caller.roles().contains(Role.APPROVER)) {
                throw ApprovalGate.refuse("approver_role_required", caller.spiffeId() + " does not hold the approver role"
                        + " (" + Role.APPROVER.urn() + ")", details);
            }
            if (SpiffeId.tryParse(approval.requestedBy()).isEmpty()) {
                throw ApprovalGate.refuse("invalid_requester", "the request was made by '" + approval.requestedBy()
                        + "', which is not a valid SPIFFE ID; it cannot be approved (request a new one)", details);
            }
            if (SpiffeId.same(caller.spiffeId(), approval.requestedBy())) {
                throw ApprovalGate.refuse("self_approval", "the requester " + approval.requestedBy()
                        + " cannot approve their own request; a second person must", details);
            }
            Instant now = now();
            ApprovalStatus status = approval.statusAt(now);
            if (status == ApprovalStatus.EXPIRED) {
                approvals.markExpired(approvalId, now);
                throw ApprovalGate.refuse("approval_expired", "approval " + approvalId + " expired at "
                        + approval.expiresAt() + " before it was approved", details);
            }
            Instant tokenExpires = now.plus(tokenTtl);
            if (status != ApprovalStatus.PENDING || !approvals.markApproved(approvalId, caller.spiffeId(), now, tokenExpires)) {
                throw ApprovalGate.refuse("not_pending", "approval " + approvalId + " is "
                        + approvals.find(approvalId).map(a -> a.statusAt(now).apiName()).orElse(status.apiName())
                        + ", not pending; request a new one", details);
            }
            Approval approved = approvals.find(approvalId).orElseThrow();
            return new Granted(approved, tokens.mint(approved, caller.spiffeId(), now, tokenExpires));
        });
    }

    private Approval visible(CallerIdentity caller, String approvalId) {
        Optional<Approval> found = approvals.find(approvalId).filter(a -> Tenancy.mayActFor(caller, a.tenantId()));
        Approval approval = found.orElseThrow(() -> new KmsException(ErrorCode.INVALID_REQUEST, 404, "approval not found: "
                + approvalId, Map.of("approval_id", approvalId), null));
        requireEnvironment(caller, approval.environment());
        return approval;
    }

    private static void describe(AuditRecord record, Approval approval) {
        if (approval.keyId() != null) {
            record.keyRef(approval.keyId());
        }
        record.subject(approval.tenantId(), approval.environment(), approval.plane());
    }

    /** Whole seconds: tokens carry NumericDate (seconds), so stored and signed expiries agree. */
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.SECONDS);
    }

    public Instant clockNow() {
        return clock.instant();
    }
}
