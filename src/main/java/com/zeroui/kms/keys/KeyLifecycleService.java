package com.zeroui.kms.keys;

import com.zeroui.kms.audit.AuditRecord;
import com.zeroui.kms.audit.AuditTrail;
import com.zeroui.kms.audit.Audited;
import com.zeroui.kms.auth.CallerIdentity;
import com.zeroui.kms.crypto.CryptoSuite;
import com.zeroui.kms.error.ErrorCode;
import com.zeroui.kms.error.KmsException;
import com.zeroui.kms.events.EventType;
import com.zeroui.kms.events.KmsEvent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Rotate, revoke, schedule and cancel destruction, change policy: every operation checks tenant,
 * scope, the key_lifecycle policy, the state table and the two-person rule, in that order, then
 * moves the key with a conditional update (so concurrent requests and nodes cannot both win), and
 * leaves a receipt; rotation and revocation commit their event with the state change.
 */
public final class KeyLifecycleService {
    private final KeyRepository repository;
    private final KeyResolver resolver;
    private final KeyCreator creator;
    private final KeyMaterialCache material;
    private final AuditTrail audit;
    private final DualAuthorization approvals;
    private final LifecycleSettings settings;
    private final Clock clock;

    public KeyLifecycleService(KeyRepository repository, KeyMaterialCache material, CryptoSuite crypto, Clock clock,
                               String masterKeyId, AuditTrail audit, DualAuthorization approvals,
                               LifecycleSettings settings) {
        this.repository = repository;
        this.material = material;
        this.resolver = new KeyResolver(repository, material, clock);
        this.creator = new KeyCreator(repository, material, crypto, clock, 1, masterKeyId, audit.events());
        this.audit = audit;
        this.approvals = approvals;
        this.settings = settings;
        this.clock = clock;
    }

    /** Which key a lifecycle request names, and within which scope (null parts: not constrained). */
    public record Target(String tenantId, Environment environment, Plane plane, KeyRef ref) {
    }

    public record Rotation(KeyRecord previous, KeyRecord successor) {
    }

    public LifecycleSettings settings() {
        return settings;
    }

    public Audited<Rotation> rotate(CallerIdentity caller, Target target, boolean emergency, String approvalToken) {
        AuditRecord record = begin("key_rotated", "rotate", caller, target).param("emergency", emergency);
        return audit.run(record, () -> {
            KeyRecord key = find(caller, target, record, KeyOperation.ROTATE);
            approve(caller, emergency ? "emergency_rotate" : "rotate", key, Map.of("emergency", emergency),
                    approvalToken);
            return rotateFound(key, caller, record);
        });
    }

    /** Rotates a key already checked (or chosen by the scheduler); fails 409 if it is no longer active. */
    Rotation rotateFound(KeyRecord key, CallerIdentity by, AuditRecord record) {
        KeyRecord successor = creator.successorOf(key, by);
        Instant now = successor.createdAt();
        Instant graceUntil = now.atZone(ZoneOffset.UTC).plus(settings.gracePeriod()).toInstant();
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("old_key_id", key.keyId());
        payload.put("new_key_id", successor.keyId());
        payload.put("rotation_ts", now.toString());
        List<KmsEvent> events = audit.events().make(EventType.KEY_ROTATED, key.tenantId(),
                key.scope().environment().apiName(), key.scope().plane().apiName(), key.keyId(), payload)
                .map(List::of).orElse(List.of());
        if (!repository.rotate(key.keyId(), graceUntil, successor, events)) {
            throw new KmsException(ErrorCode.KEY_INACTIVE, "key " + key.keyId() + " was rotated or changed state "
                    + "concurrently", Map.of("key_id", key.keyId(), "operation", KeyOperation.ROTATE.apiName()));
        }
        record.param("new_key_id", successor.keyId());
        KeyRecord previous = repository.findById(key.keyId()).orElseThrow().asOf(clock.instant());
        return new Rotation(previous, successor);
    }

    public Audited<KeyRecord> revoke(CallerIdentity caller, Target target, RevocationReason reason, String approvalToken) {
        AuditRecord record = begin("key_revoked", "revoke", caller, target).param("reason", reason.apiName());
        return audit.run(record, () -> {
            KeyRecord key = find(caller, target, record, KeyOperation.REVOKE);
            approve(caller, "revoke", key, Map.of("reason", reason.apiName()), approvalToken);
            return revokeFound(key, reason);
        });
    }

    private KeyRecord revokeFound(KeyRecord key, RevocationReason reason) {
        {
            Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
            Map<String, Object> payload = new LinkedHashMap<>();
            payload.put("key_id", key.keyId());
            payload.put("revocation_reason", reason.apiName());
            payload.put("revoked_at", now.toString());
            List<KmsEvent> events = audit.events().make(EventType.KEY_REVOKED, key.tenantId(),
                    key.scope().environment().apiName(), key.scope().plane().apiName(), key.keyId(), payload)
                    .map(List::of).orElse(List.of());
            Set<KeyState> from = EnumSet.of(KeyState.ACTIVE, KeyState.PENDING_ROTATION, KeyState.ARCHIVED);
            if (!repository.revoke(key.keyId(), from, now, reason, events)) {
                throw concurrently(key, KeyOperation.REVOKE);
            }
            material.evict(key.keyId());
            return reload(key);
        }
    }

    public Audited<KeyRecord> scheduleDestruction(CallerIdentity caller, Target target, Integer waitingDays,
                                                  String approvalToken) {
        int days = waitingDays == null ? settings.destructionWindowDays() : waitingDays;
        AuditRecord record = begin("key_destruction_scheduled", "schedule_destruction", caller, target)
                .param("waiting_period_days", days);
        return audit.run(record, () -> {
            if (days < LifecycleSettings.MIN_DESTRUCTION_WINDOW_DAYS || days > LifecycleSettings.MAX_DESTRUCTION_WINDOW_DAYS) {
                throw KmsException.invalid("waiting_period_days", "waiting_period_days must be between "
                        + LifecycleSettings.MIN_DESTRUCTION_WINDOW_DAYS + " and "
                        + LifecycleSettings.MAX_DESTRUCTION_WINDOW_DAYS);
            }
            KeyRecord key = find(caller, target, record, KeyOperation.SCHEDULE_DESTRUCTION);
            approve(caller, "schedule_destruction", key, Map.of("waiting_period_days", days), approvalToken);
            KeyRecord stored = repository.findById(key.keyId()).orElseThrow();
            Instant destroyAfter = clock.instant().truncatedTo(ChronoUnit.MILLIS).plus(Duration.ofDays(days));
            // remember the effective state (a lapsed grace period is archived) for a cancellation
            if (!repository.scheduleDestruction(key.keyId(), stored.state(), key.state(), destroyAfter)) {
                throw concurrently(key, KeyOperation.SCHEDULE_DESTRUCTION);
            }
            material.evict(key.keyId());
            return reload(key);
        });
    }

    public Audited<KeyRecord> cancelDestruction(CallerIdentity caller, Target target, String approvalToken) {
        AuditRecord record = begin("key_destruction_cancelled", "cancel_destruction", caller, target);
        return audit.run(record, () -> {
            KeyRecord key = find(caller, target, record, KeyOperation.CANCEL_DESTRUCTION);
            approve(caller, "cancel_destruction", key, Map.of(), approvalToken);
            if (!repository.cancelDestruction(key.keyId(), clock.instant())) {
                throw concurrently(key, KeyOperation.CANCEL_DESTRUCTION);
            }
            return reload(key);
        });
    }

    public Audited<KeyRecord> updatePolicy(CallerIdentity caller, Target target, KeyManagementService.PolicyRequest policy,
                                           String approvalToken) {
        AuditRecord record = begin("key_policy_updated", "update_policy", caller, target)
                .param("allowed_modules", policy.allowedModules()).param("requires_approval", policy.requiresApproval())
                .param("max_usage_per_day", policy.maxUsagePerDay());
        return audit.run(record, () -> {
            KeyRecord key = find(caller, target, record, KeyOperation.UPDATE_POLICY);
            if (policy.allowedModules() == null || policy.requiresApproval() == null || policy.maxUsagePerDay() == null) {
                throw KmsException.invalid("access_policy", "a policy update names allowed_modules, requires_approval "
                        + "and max_usage_per_day: it replaces the whole policy");
            }
            AccessPolicy replacement = creator.policyFor(caller, policy);
            Map<String, Object> parameters = new LinkedHashMap<>();
            parameters.put("allowed_modules", replacement.allowedModules());
            parameters.put("requires_approval", replacement.requiresApproval());
            parameters.put("max_usage_per_day", replacement.maxUsagePerDay());
            approve(caller, "update_policy", key, parameters, approvalToken);
            Set<KeyState> from = EnumSet.of(KeyState.ACTIVE, KeyState.PENDING_ROTATION, KeyState.ARCHIVED);
            if (!repository.updatePolicy(key.keyId(), from, replacement)) {
                throw concurrently(key, KeyOperation.UPDATE_POLICY);
            }
            return reload(key);
        });
    }

    /** The two-person rule: only where configuration makes this operation on this key sensitive. */
    private void approve(CallerIdentity caller, String operation, KeyRecord key, Map<String, Object> parameters,
                         String approvalToken) {
        if (approvals.requiresApproval(operation, key)) {
            approvals.require(caller, operation, key.keyId(), parameters, approvalToken);
        }
    }

    /** Whether a scheduled rotation of {@code key} would need a second person (the scheduler then leaves it). */
    boolean rotationNeedsApproval(KeyRecord key) {
        return approvals.requiresApproval(DualAuthorization.ROTATE, key);
    }

    /**
     * Revokes a key whose policy was violated too often (the configured threshold): the service acts,
     * with reason policy_violation, and no approval — the point is to stop the abuse now. Keys that
     * are no longer usable are left as they are.
     */
    public void revokeAfterViolations(String keyId) {
        KeyRecord key = repository.findById(keyId).map(k -> k.asOf(clock.instant())).orElse(null);
        if (key == null || !KeyStateMachine.allows(key.state(), KeyOperation.REVOKE)) {
            return;
        }
        AuditRecord record = audit.begin("key_revoked", "revoke", CallerIdentity.SERVICE)
                .scope(key.tenantId(), key.scope().environment().apiName(), key.scope().plane().apiName())
                .keyRef(keyId).param("reason", RevocationReason.POLICY_VIOLATION.apiName()).param("automatic", true);
        audit.run(record, () -> {
            record.key(key.keyId(), key.type().sizeBits());
            return revokeFound(key, RevocationReason.POLICY_VIOLATION);
        });
    }

    private AuditRecord begin(String operation, String type, CallerIdentity caller, Target target) {
        return audit.begin(operation, type, caller)
                .scope(target.tenantId(), target.environment() == null ? null : target.environment().apiName(),
                        target.plane() == null ? null : target.plane().apiName())
                .keyRef(target.ref().toString());
    }

    /** Lookup, key_lifecycle policy, then the state table; files the receipt under the key's tenant. */
    private KeyRecord find(CallerIdentity caller, Target target, AuditRecord record, KeyOperation operation) {
        KeyRecord key = resolver.findForCaller(caller, target.tenantId(), target.environment(), target.plane(), target.ref());
        record.key(key.keyId(), key.type().sizeBits())
                .subject(key.tenantId(), key.scope().environment().apiName(), key.scope().plane().apiName());
        KeyResolver.requireLifecyclePolicy(caller, key, operation);
        KeyStateMachine.require(key, key.state(), operation);
        return key;
    }

    private KeyRecord reload(KeyRecord key) {
        return repository.findById(key.keyId()).orElseThrow().asOf(clock.instant());
    }

    private static KmsException concurrently(KeyRecord key, KeyOperation operation) {
        return new KmsException(ErrorCode.KEY_INACTIVE, "key " + key.keyId() + " changed state concurrently; "
                + "read it and retry", Map.of("key_id", key.keyId(), "operation", operation.apiName()));
    }

    AuditTrail audit() {
        return audit;
    }

    KeyRepository repository() {
        return repository;
    }

    KeyMaterialCache material() {
        return material;
    }
}
