package com.zeroui.kms.keys;

import com.zeroui.kms.audit.AuditRecord;
import com.zeroui.kms.audit.AuditTrail;
import com.zeroui.kms.audit.Audited;
import com.zeroui.kms.auth.CallerIdentity;
import com.zeroui.kms.crypto.CryptoSuite;
import com.zeroui.kms.crypto.KeyType;
import com.zeroui.kms.crypto.SecretBytes;
import com.zeroui.kms.error.KmsException;
import com.zeroui.kms.events.EventType;
import com.zeroui.kms.keys.KeyOperations.Operation;
import com.zeroui.kms.keys.KeyOperations.Outcome;
import com.zeroui.kms.keys.KeyOperations.Target;
import java.time.Clock;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * POST /derive: HKDF-SHA256 from a managed key whose usage includes {@code derive} (an operation on
 * one existing key, so it runs on the template), or PBKDF2-HMAC-SHA256 from a caller's credential
 * (no key: it opens its receipt itself, as /random does). The bytes are returned, or stored as a new
 * managed AES-256 or HMAC-SHA256 key ({@code origin: derived}) and never returned; storing is a key
 * generation, so dual authorization applies as for POST /keys.
 */
public final class DerivationService {
    public static final int MAX_LENGTH = 1024;
    public static final int MAX_INPUT_BYTES = 1024;
    /** OWASP's 2023 figure for PBKDF2-HMAC-SHA256; the default and the least accepted. */
    public static final int MIN_PBKDF2_ITERATIONS = 600_000;
    public static final int MAX_PBKDF2_ITERATIONS = 10_000_000;
    /** NIST SP 800-132 §5.1: at least 128 bits of salt. */
    public static final int MIN_PBKDF2_SALT_BYTES = 16;
    /** The types derived bytes can be stored as, and the usage a stored key gets when none is asked for. */
    public static final Map<KeyType, Set<KeyUsage>> STORABLE = storable();
    static final Operation HKDF = new Operation("key_derived", "derive", KeyUsage.DERIVE, EventType.KEY_DERIVED);

    private final KeyOperations operations;
    private final CryptoSuite crypto;
    private final AuditTrail audit;
    private final KeyCreator creator;
    private final DualAuthorization approvals;
    private final UsageLimiter limits;

    public DerivationService(KeyOperations operations, KeyRepository repository, KeyMaterialCache material,
                             CryptoSuite crypto, AuditTrail audit, Clock clock, UsageLimiter limits,
                             DualAuthorization approvals, long defaultMaxUsagePerDay, String masterKeyId) {
        this.operations = operations;
        this.crypto = crypto;
        this.audit = audit;
        this.limits = limits;
        this.approvals = approvals;
        this.creator = new KeyCreator(repository, material, crypto, clock, defaultMaxUsagePerDay, masterKeyId,
                audit.events());
    }

    public enum Method {
        HKDF_SHA256("HKDF-SHA256"), PBKDF2_HMAC_SHA256("PBKDF2-HMAC-SHA256");

        private final String apiName;

        Method(String apiName) {
            this.apiName = apiName;
        }

        public String apiName() {
            return apiName;
        }

        public static Optional<Method> fromApiName(String name) {
            return Arrays.stream(values()).filter(m -> m.apiName.equals(name)).findFirst();
        }
    }

    private static Map<KeyType, Set<KeyUsage>> storable() {
        Map<KeyType, Set<KeyUsage>> m = new LinkedHashMap<>();
        m.put(KeyType.AES_256, Set.of(KeyUsage.ENCRYPT, KeyUsage.DECRYPT));
        m.put(KeyType.HMAC_SHA256, Set.of(KeyUsage.MAC, KeyUsage.MAC_VERIFY));
        return java.util.Collections.unmodifiableMap(m);
    }

    /** The new key the derived bytes become; they are never returned then. {@code usage} null: the type's default. */
    public record StoreAs(KeyType type, Set<KeyUsage> usage, String alias, KeyManagementService.PolicyRequest policy,
                          Integer rotationPeriodDays) {
    }

    /**
     * One derivation. HKDF: {@code key} (required), {@code salt} and {@code info} (may be empty).
     * PBKDF2: {@code password}, {@code salt}, {@code iterations} (null: the minimum). {@code length}
     * null: 32. {@code storeAs} null: return the bytes.
     */
    public record Request(KeyScope scope, Method method, KeyRef key, byte[] salt, byte[] info, char[] password,
                          Integer iterations, Integer length, StoreAs storeAs,
                          KeyManagementService.ApprovalClaim approval) {
    }

    /** {@code bytes} when returned, {@code stored} when kept as a key; {@code source} for HKDF. */
    public record Derived(Method method, int length, byte[] bytes, KeyRecord source, KeyRecord stored) {
    }

    public Audited<Derived> derive(CallerIdentity caller, Request r) {
        Consumer<AuditRecord> describe = record -> {
            record.algorithm(r.method().apiName())
                    .param("method", r.method().apiName())
                    .param("length", r.length())
                    .param("iterations", r.iterations())
                    .param("store_as", r.storeAs() == null ? null : r.storeAs().type().apiName())
                    .secretLength("salt", r.salt() == null ? 0 : r.salt().length)
                    .secretLength("info", r.info() == null ? 0 : r.info().length);
            if (r.key() != null) {
                record.keyRef(r.key().toString());
            }
            if (r.password() != null) {
                record.secretLength("password", r.password().length);
            }
        };
        if (r.method() == Method.HKDF_SHA256) {
            // the inputs are checked inside the receipt, before the key is looked at
            return operations.run(HKDF, Target.located(caller, r.scope(), () -> hkdfKey(r)), describe, key -> {
                int length = lengthOf(r);
                byte[] bytes = key.hkdfSha256(orEmpty(r.salt()), orEmpty(r.info()), length);
                KeyRecord stored = r.storeAs() == null ? null : store(caller, r, bytes);
                Derived derived = new Derived(r.method(), length, stored == null ? bytes : null, key.record(), stored);
                return new Outcome<>(derived, eventFields(r, length, stored));
            });
        }
        AuditRecord record = audit.begin(HKDF.receiptName(), HKDF.type(), caller)
                .scope(r.scope().tenantId(), r.scope().environment().apiName(), r.scope().plane().apiName());
        describe.accept(record);
        return audit.run(record, () -> {
            int length = lengthOf(r);
            byte[] bytes = pbkdf2(caller, r, length);
            KeyRecord stored = null;
            if (r.storeAs() != null) {
                stored = store(caller, r, bytes);
                bytes = null;
                record.key(stored.keyId(), stored.type().sizeBits()); // the receipt names the key it made
            }
            announce(record, r, stored, length);
            return new Derived(r.method(), length, bytes, null, stored);
        });
    }

    /** HKDF's inputs, checked before its key is resolved; answers the key. */
    private KeyRef hkdfKey(Request r) {
        lengthOf(r);
        crypto.derivation().hkdfRefusal().ifPresent(reason -> {
            throw KmsException.invalid("method", reason);
        });
        if (r.key() == null) {
            throw KmsException.invalid("key_id", "key_id is required for HKDF-SHA256");
        }
        refuse(r.password() != null, "password", "password belongs to PBKDF2-HMAC-SHA256, not HKDF-SHA256");
        refuse(r.iterations() != null, "iterations", "iterations belongs to PBKDF2-HMAC-SHA256, not HKDF-SHA256");
        bounded("salt", r.salt(), 0);
        bounded("info", r.info(), 0);
        return r.key();
    }

    private byte[] pbkdf2(CallerIdentity caller, Request r, int length) {
        KeyResolver.requireScope(caller, r.scope());
        refuse(r.key() != null, "key_id", "PBKDF2-HMAC-SHA256 derives from password, not from a key");
        refuse(r.info() != null, "info", "info belongs to HKDF-SHA256, not PBKDF2-HMAC-SHA256");
        if (r.password() == null || r.password().length == 0) {
            throw KmsException.invalid("password", "password is required for PBKDF2-HMAC-SHA256");
        }
        if (r.password().length > MAX_INPUT_BYTES) {
            throw KmsException.invalid("password", "password must be at most " + MAX_INPUT_BYTES + " characters");
        }
        if (r.salt() == null) {
            throw KmsException.invalid("salt", "salt is required for PBKDF2-HMAC-SHA256 (at least "
                    + MIN_PBKDF2_SALT_BYTES + " bytes)");
        }
        bounded("salt", r.salt(), MIN_PBKDF2_SALT_BYTES);
        int iterations = r.iterations() == null ? MIN_PBKDF2_ITERATIONS : r.iterations();
        if (iterations < MIN_PBKDF2_ITERATIONS || iterations > MAX_PBKDF2_ITERATIONS) {
            throw KmsException.invalid("iterations", "iterations must be between " + MIN_PBKDF2_ITERATIONS + " and "
                    + MAX_PBKDF2_ITERATIONS);
        }
        limits.admitCaller(caller); // hundreds of milliseconds of CPU: the caller's rate limit applies
        try {
            return crypto.derivation().pbkdf2Sha256(r.password(), r.salt(), iterations, length);
        } catch (IllegalArgumentException e) {
            // FIPS mode: the module refuses parameters SP 800-132 does not approve (e.g. a short password)
            throw KmsException.invalid("password", "PBKDF2-HMAC-SHA256 refused these parameters in FIPS mode: "
                    + e.getMessage());
        }
    }

    private KeyRecord store(CallerIdentity caller, Request r, byte[] bytes) {
        StoreAs as = r.storeAs();
        if (!STORABLE.containsKey(as.type())) {
            Arrays.fill(bytes, (byte) 0);
            throw KmsException.invalid("store_as.key_type", "store_as.key_type must be one of "
                    + STORABLE.keySet().stream().map(KeyType::apiName).toList());
        }
        if (bytes.length != as.type().sizeBits() / 8) {
            Arrays.fill(bytes, (byte) 0);
            throw KmsException.invalid("length", "length must be " + as.type().sizeBits() / 8 + " to store an "
                    + as.type().apiName() + " key");
        }
        Set<KeyUsage> usage = as.usage() == null ? STORABLE.get(as.type()) : as.usage();
        var create = new KeyManagementService.CreateKey(r.scope(), as.type(), usage, as.alias(), as.policy(),
                as.rotationPeriodDays());
        KeyManagementService.ApprovalClaim approval = r.approval() == null ? KeyManagementService.ApprovalClaim.NONE
                : r.approval();
        SecretBytes secret = SecretBytes.copyOf(bytes);
        Arrays.fill(bytes, (byte) 0);
        try {
            return creator.createFrom(caller, create, () -> {
                if (approvals.requiresApproval(DualAuthorization.GENERATE, r.scope().tenantId(), false)) {
                    approvals.require(caller, DualAuthorization.GENERATE, null, approval.parameters(), approval.token());
                }
            }, () -> new KeyCreator.Supplied(secret, null), KeyOrigin.DERIVED);
        } finally {
            secret.destroy(); // refused before it was wrapped
        }
    }

    private static int lengthOf(Request r) {
        int length = r.length() == null ? 32 : r.length();
        if (length < 1 || length > MAX_LENGTH) {
            throw KmsException.invalid("length", "length must be between 1 and " + MAX_LENGTH);
        }
        return length;
    }

    private static void bounded(String field, byte[] value, int min) {
        int n = value == null ? 0 : value.length;
        if (n < min || n > MAX_INPUT_BYTES) {
            throw KmsException.invalid(field, field + " must be " + min + " to " + MAX_INPUT_BYTES + " bytes");
        }
    }

    private static void refuse(boolean present, String field, String message) {
        if (present) {
            throw KmsException.invalid(field, message);
        }
    }

    private static byte[] orEmpty(byte[] b) {
        return b == null ? new byte[0] : b;
    }

    /** key_derived: the method, the length, the source and stored key ids — never the bytes or the inputs. */
    private static Map<String, Object> eventFields(Request r, int length, KeyRecord stored) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("method", r.method().apiName());
        fields.put("length", length);
        fields.put("derived_key_id", stored == null ? null : stored.keyId());
        return fields;
    }

    /** PBKDF2's key_derived: no source key, so the template's event is made here with the same fields. */
    private void announce(AuditRecord record, Request r, KeyRecord stored, int length) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("key_id", null);
        payload.put("operation_id", record.receiptId());
        payload.putAll(eventFields(r, length, stored));
        String ordering = stored != null ? stored.keyId() : r.scope().tenantId();
        audit.events().make(EventType.KEY_DERIVED, r.scope().tenantId(), r.scope().environment().apiName(),
                r.scope().plane().apiName(), ordering, payload).ifPresent(record::event);
    }
}
