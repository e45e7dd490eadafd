package com.zeroui.kms.audit;

import com.zeroui.kms.auth.CallerIdentity;
import com.zeroui.kms.error.ErrorCode;
import com.zeroui.kms.error.KmsException;
import java.time.Clock;
import java.util.function.Supplier;

/**
 * Runs an operation and leaves exactly one receipt for it, success or failure (authorization and
 * policy failures included), before the caller gets an answer. If the receipt cannot be made
 * durable the answer is 503 DEPENDENCY_UNAVAILABLE: nothing runs unaudited.
 */
public final class AuditTrail {
    private final AuditLog log;
    private final Clock clock;
    private volatile RefusalObserver refusals = (caller, keyId, refusal) -> { };

    public AuditTrail(AuditLog log, Clock clock) {
        this.log = log;
        this.clock = clock;
    }

    /** Starts the record of one operation; {@code operation} is the spec's receipt operation name. */
    public AuditRecord begin(String operation, String operationType, CallerIdentity caller) {
        return new AuditRecord(operation, operationType, caller);
    }

    /** Sets the observer told of every refusal (one per trail; the node wires the violation monitor). */
    public void observeRefusals(RefusalObserver observer) {
        this.refusals = observer;
    }

    public <T> Audited<T> run(AuditRecord record, Supplier<T> operation) {
        T value;
        try {
            value = operation.get();
        } catch (KmsException e) {
            record.tell(refusals, e);
            // if this receipt cannot be persisted, append throws 503 in place of the original answer
            throw e.withReceiptId(log.append(record.draft(clock, false, e.code())));
        } catch (RuntimeException e) {
            // our own failure: still leave a receipt, then let the API map it to 500
            log.append(record.draft(clock, false, ErrorCode.INTERNAL_ERROR));
            throw e;
        }
        return new Audited<>(value, log.append(record.draft(clock, true, null)));
    }
}
