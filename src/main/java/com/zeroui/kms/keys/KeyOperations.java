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
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

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
 * Whatever happens, exactly one receipt is written before the answer ({@link AuditTrail#run}). A
 * key the request carries rather than names is located inside the receipt ({@link Target#located});
 * an operation on two keys (rewrap) runs the same checks on both ({@link Transfer}).
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

    /**
     * Who asks, in which scope, for which key. {@code ref} is the key the request names; or, when the
     * key is known only from what the request carries (a ciphertext blob names its key, a derivation
     * checks its inputs first), {@code locate} finds it inside the receipt, so that a request refused
     * there still leaves its receipt. Exactly one of the two is set.
     */
    public record Target(CallerIdentity caller, KeyScope scope, KeyRef ref, Supplier<KeyRef> locate) {
        public Target {
            if ((ref == null) == (locate == null)) {
                throw new IllegalArgumentException("a target names its key or how to locate it, not both");
            }
        }

        public Target(CallerIdentity caller, KeyScope scope, KeyRef ref) {
            this(caller, scope, ref, null);
        }

        /** {@code locate} runs first inside the receipt and may refuse (throw); its key is recorded as requested. */
        public static Target located(CallerIdentity caller, KeyScope scope, Supplier<KeyRef> locate) {
            return new Target(caller, scope, null, locate);
        }
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
     * An operation that reads under one key and writes under another (rewrap): {@code operation}
     * describes the destination, the key the answer is made with; {@code sourceUsage} is what the
     * source must allow; {@code destination} names the destination once the source passed its checks
     * (it may follow the source's successor), and {@code null} there is a bug.
     */
    public record Transfer(Target source, KeyUsage sourceUsage, Function<KeyRecord, KeyRef> destination) {
    }

    /** The work of a {@link Transfer}, given both keys after both passed every check. */
    @FunctionalInterface
    public interface TransferWork<T> {
        Outcome<T> run(UsableKey source, UsableKey destination);
    }

    /**
     * Runs {@code operation} on {@code target}'s key. {@code describe} adds the request's
     * non-secret parameters to the receipt before anything is checked (lengths of secrets only).
     */
    public <T> Audited<T> run(Operation operation, Target target, Consumer<AuditRecord> describe, Work<T> work) {
        AuditRecord record = open(operation, target);
        if (target.ref() != null) {
            record.keyRef(target.ref().toString());
        }
        describe.accept(record);
        return audit.run(record, () -> {
            UsableKey key = use(target, operation.usage(), record, true);
            Outcome<T> outcome = work.run(key);
            announce(record, key.record(), operation, outcome.eventFields());
            return outcome.value();
        });
    }

    /**
     * The template for two keys ({@link Transfer}). Both keys get every check of {@link #run}, the
     * source first (a destination derived from it needs it resolved), and the work runs only when
     * both passed, so no plaintext is produced for a destination that would refuse it. The receipt
     * and the event name the destination (the key of the answer); the source is their
     * {@code source_key_id}.
     */
    public <T> Audited<T> run(Operation operation, Transfer transfer, Consumer<AuditRecord> describe,
                              TransferWork<T> work) {
        Target from = transfer.source();
        AuditRecord record = open(operation, from);
        describe.accept(record);
        return audit.run(record, () -> {
            UsableKey source = use(from, transfer.sourceUsage(), record, false);
            KeyRef destinationRef = Objects.requireNonNull(transfer.destination().apply(source.record()), "destination");
            record.keyRef(destinationRef.toString());
            UsableKey destination = use(new Target(from.caller(), from.scope(), destinationRef), operation.usage(),
                    record, true);
            Outcome<T> outcome = work.run(source, destination);
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("source_key_id", source.record().keyId());
            fields.putAll(outcome.eventFields());
            announce(record, destination.record(), operation, fields);
            return outcome.value();
        });
    }

    private AuditRecord open(Operation operation, Target target) {
        return audit.begin(operation.receiptName(), operation.type(), target.caller())
                .scope(target.scope().tenantId(), target.scope().environment().apiName(), target.scope().plane().apiName());
    }

    /**
     * Every check on one key, in order: locating it (when the request carries it), the resolver's
     * checks, then whether this node's suite serves its type. {@code receiptKey}: the receipt is
     * about this key; otherwise (a transfer's source) it names it as {@code source_key_id}.
     */
    private UsableKey use(Target target, KeyUsage usage, AuditRecord record, boolean receiptKey) {
        KeyRef ref = target.ref();
        if (ref == null) {
            ref = target.locate().get();
            if (receiptKey) {
                record.keyRef(ref.toString());
            }
        }
        if (!receiptKey) {
            record.param("source_key_id", ref.toString());
        }
        KeyRecord key = resolver.resolveForUse(target.caller(), target.scope(), ref, usage);
        if (receiptKey) {
            record.key(key.keyId(), key.type().sizeBits());
        }
        crypto.refusal(key.type()).ifPresent(reason -> {
            throw new KmsException(ErrorCode.INVALID_REQUEST, reason, Map.of("key_id", key.keyId(),
                    "key_type", key.type().apiName()));
        });
        return new UsableKey(key, material, crypto, record);
    }

    private void announce(AuditRecord record, KeyRecord key, Operation operation, Map<String, Object> fields) {
        if (operation.event() == null) {
            return;
        }
        EventType type = operation.event();
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("key_id", key.keyId());
        payload.put("operation_id", record.receiptId());
        payload.putAll(fields);
        audit.events().make(type, key.tenantId(), key.scope().environment().apiName(), key.scope().plane().apiName(),
                key.keyId(), payload).ifPresent(record::event);
    }
}
