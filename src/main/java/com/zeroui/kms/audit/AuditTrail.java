package com.zeroui.kms.audit;

import com.zeroui.kms.auth.CallerIdentity;
import com.zeroui.kms.crypto.RandomIds;
import com.zeroui.kms.error.ErrorCode;
import com.zeroui.kms.error.KmsException;
import com.zeroui.kms.events.EventType;
import com.zeroui.kms.events.Events;
import com.zeroui.kms.events.KmsEvent;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Runs an operation and leaves exactly one receipt for it, success or failure (authorization and
 * policy failures included), before the caller gets an answer. If the receipt cannot be made
 * durable the answer is 503 DEPENDENCY_UNAVAILABLE: nothing runs unaudited.
 *
 * <p>Events the operation announces are committed with its receipt: on success the ones it
 * attached to its record, on a policy refusal a {@code policy_violation} event (when enabled).
 */
public final class AuditTrail {
    private final AuditLog log;
    private final Clock clock;
    private final Events events;
    private volatile RefusalObserver refusals = (caller, keyId, refusal) -> { };

    public AuditTrail(AuditLog log, Clock clock, Events events) {
        this.log = log;
        this.clock = clock;
        this.events = events;
    }

    /** Starts the record of one operation; {@code operation} is the spec's receipt operation name. */
    public AuditRecord begin(String operation, String operationType, CallerIdentity caller) {
        return new AuditRecord(RandomIds.uuid7(clock), operation, operationType, caller);
    }

    public Events events() {
        return events;
    }

    /** Sets the observer told of every refusal (one per trail; the node wires the violation monitor). */
    public void observeRefusals(RefusalObserver observer) {
        this.refusals = observer;
    }

    public <T> Audited<T> run(AuditRecord record, Supplier<T> operation) {
        log.requireIntact(); // an operation that cannot leave a receipt does not run at all
        T value;
        try {
            value = operation.get();
        } catch (KmsException e) {
            record.tell(refusals, e);
            // if this receipt cannot be persisted, append throws 503 in place of the original answer
            throw e.withReceiptId(log.append(record.draft(clock, false, e.code()), refusalEvents(record, e)));
        } catch (RuntimeException e) {
            // our own failure: still leave a receipt, then let the API map it to 500
            log.append(record.draft(clock, false, ErrorCode.INTERNAL_ERROR), List.of());
            throw e;
        }
        return new Audited<>(value, log.append(record.draft(clock, true, null), record.events()));
    }

    private List<KmsEvent> refusalEvents(AuditRecord record, KmsException e) {
        if (e.code() != ErrorCode.POLICY_VIOLATION || record.tenantId() == null) {
            return List.of();
        }
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("key_id", record.keyId());
        payload.put("operation_type", record.operationType());
        payload.put("operation_id", record.receiptId());
        payload.put("requesting_module", record.caller().moduleId());
        payload.put("error_code", e.code().name());
        payload.put("reason", e.getMessage());
        return events.make(EventType.POLICY_VIOLATION, record.tenantId(), record.environment(), record.plane(),
                record.keyId(), payload).map(List::of).orElse(List.of());
    }
}
