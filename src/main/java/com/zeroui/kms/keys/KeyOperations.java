package com.zeroui.kms.keys;

import com.zeroui.kms.audit.AuditRecord;
import com.zeroui.kms.audit.AuditTrail;
import com.zeroui.kms.audit.Audited;
import com.zeroui.kms.auth.CallerIdentity;
import com.zeroui.kms.crypto.CryptoSuite;
import com.zeroui.kms.error.ErrorCode;
import com.zeroui.kms.error.KmsException;
import com.zeroui.kms.events.EventType;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The one template every cryptographic operation on one key follows, so that a new operation is a
 * service method (what to compute) and a route, never a new copy of the checks:
 *
 * <ol>
 *   <li>open the receipt (operation name, caller, requested scope and key, what the request described);</li>
 *   <li>resolve the key ({@link KeyResolver#resolveForUse}: tenancy and the token's environment,
 *       lookup in scope, access policy, key type can do it, key usage, limits and quotas, state);</li>
 *   <li>refuse a key type this node's crypto suite does not serve (FIPS mode), 400 naming why;</li>
 *   <li>run the work with the usable key;</li>
 *   <li>announce the operation's event (when it has one) with {@code key_id}, {@code operation_id}
 *       (the receipt id) and what the work reports; it commits with the receipt.</li>
 * </ol>
 *
 * Whatever happens, exactly one receipt is written before the answer ({@link AuditTrail#run}).
 */
public final class KeyOperations {
    private final KeyResolver resolver;
    private final KeyMaterialCache material;
    private final CryptoSuite crypto;
    private final AuditTrail audit;

    public KeyOperations(KeyRepository repository, KeyMaterialCache material, CryptoSuite crypto, AuditTrail audit,
                         Clock clock, UsageLimiter limits) {
        this.resolver = new KeyResolver(repository, material, clock, limits);
        this.material = material;
        this.crypto = crypto;
        this.audit = audit;
    }

    /**
     * What an operation is: the receipt's operation name and type, the key usage it needs and the
     * event it announces (null: none).
     */
    public record Operation(String receiptName, String type, KeyUsage usage, EventType event) {
    }

    /** Who asks, in which scope, for which key. */
    public record Target(CallerIdentity caller, KeyScope scope, KeyRef ref) {
    }

    /** A work's result and the fields its event adds to {@code key_id} and {@code operation_id}. */
    public record Outcome<T>(T value, Map<String, Object> eventFields) {
        public static <T> Outcome<T> of(T value, String field, Object fieldValue) {
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put(field, fieldValue);
            return new Outcome<>(value, fields);
        }

        public static <T> Outcome<T> of(T value) {
            return new Outcome<>(value, Map.of());
        }
    }

    /** The operation itself, given the key that passed every check. */
    @FunctionalInterface
    public interface Work<T> {
        Outcome<T> run(UsableKey key);
    }

    /**
     * Runs {@code operation} on {@code target}'s key. {@code describe} adds the request's
     * non-secret parameters to the receipt before anything is checked (lengths of secrets only).
     */
    public <T> Audited<T> run(Operation operation, Target target, Consumer<AuditRecord> describe, Work<T> work) {
        AuditRecord record = audit.begin(operation.receiptName(), operation.type(), target.caller())
                .scope(target.scope().tenantId(), target.scope().environment().apiName(), target.scope().plane().apiName())
                .keyRef(target.ref().toString());
        describe.accept(record);
        return audit.run(record, () -> {
            KeyRecord key = resolver.resolveForUse(target.caller(), target.scope(), target.ref(), operation.usage());
            record.key(key.keyId(), key.type().sizeBits());
            crypto.refusal(key.type()).ifPresent(reason -> {
                throw new KmsException(ErrorCode.INVALID_REQUEST, reason, Map.of("key_id", key.keyId(),
                        "key_type", key.type().apiName()));
            });
            Outcome<T> outcome = work.run(new UsableKey(key, material, crypto, record));
            if (operation.event() != null) {
                announce(record, key, operation.event(), outcome.eventFields());
            }
            return outcome.value();
        });
    }

    private void announce(AuditRecord record, KeyRecord key, EventType type, Map<String, Object> fields) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("key_id", key.keyId());
        payload.put("operation_id", record.receiptId());
        payload.putAll(fields);
        audit.events().make(type, key.tenantId(), key.scope().environment().apiName(), key.scope().plane().apiName(),
                key.keyId(), payload).ifPresent(record::event);
    }
}
