package com.zeroui.kms.keys;

import com.zeroui.kms.audit.AuditRecord;
import com.zeroui.kms.audit.AuditTrail;
import com.zeroui.kms.audit.Audited;
import com.zeroui.kms.auth.CallerIdentity;
import com.zeroui.kms.crypto.CryptoSuite;
import com.zeroui.kms.crypto.SignatureAlgorithm;
import com.zeroui.kms.error.KmsException;
import com.zeroui.kms.events.EventType;
import java.util.LinkedHashMap;
import java.util.Map;

/** Sign and verify with a managed asymmetric key. */
public final class SigningService {
    private final KeyResolver resolver;
    private final KeyMaterialCache material;
    private final CryptoSuite crypto;
    private final AuditTrail audit;

    public SigningService(KeyRepository repository, KeyMaterialCache material, CryptoSuite crypto, AuditTrail audit,
                          java.time.Clock clock, UsageLimiter limits) {
        this.resolver = new KeyResolver(repository, material, clock, limits);
        this.material = material;
        this.crypto = crypto;
        this.audit = audit;
    }

    public record Signed(KeyRecord key, SignatureAlgorithm algorithm, byte[] signature) {
    }

    public record Verified(KeyRecord key, SignatureAlgorithm algorithm, boolean valid) {
    }

    public Audited<Signed> sign(CallerIdentity caller, KeyScope scope, KeyRef ref, byte[] data, SignatureAlgorithm requested) {
        AuditRecord record = begin("signature_created", "sign", caller, scope, ref, requested).secretLength("data", data.length);
        return audit.run(record, () -> {
            KeyRecord key = resolver.resolveForUse(caller, scope, ref, KeyUsage.SIGN);
            SignatureAlgorithm algorithm = algorithmFor(key, requested);
            record.key(key.keyId(), key.type().sizeBits()).algorithm(algorithm.apiName());
            Signed signed = new Signed(key, algorithm, material.load(key).sign(crypto, algorithm, data));
            announce(record, key, EventType.SIGNATURE_CREATED, "algorithm", algorithm.apiName());
            return signed;
        });
    }

    private AuditRecord begin(String operation, String type, CallerIdentity caller, KeyScope scope, KeyRef ref,
                              SignatureAlgorithm requested) {
        return audit.begin(operation, type, caller)
                .scope(scope.tenantId(), scope.environment().apiName(), scope.plane().apiName())
                .keyRef(ref.toString())
                .param("algorithm", requested == null ? null : requested.apiName());
    }

    /** A signature that does not verify is {@code valid=false}, not an error. */
    public Audited<Verified> verify(CallerIdentity caller, KeyScope scope, KeyRef ref, byte[] data, byte[] signature,
                                    SignatureAlgorithm requested) {
        AuditRecord record = begin("signature_verified", "verify", caller, scope, ref, requested)
                .secretLength("data", data.length).secretLength("signature", signature.length);
        return audit.run(record, () -> {
            KeyRecord key = resolver.resolveForUse(caller, scope, ref, KeyUsage.VERIFY);
            SignatureAlgorithm algorithm = algorithmFor(key, requested);
            record.key(key.keyId(), key.type().sizeBits()).algorithm(algorithm.apiName());
            boolean valid = material.load(key).verify(crypto, algorithm, data, signature);
            announce(record, key, EventType.SIGNATURE_VERIFIED, "valid", valid);
            return new Verified(key, algorithm, valid);
        });
    }

    /** signature_created / signature_verified: operation_id is the operation's receipt id. */
    private void announce(AuditRecord record, KeyRecord key, EventType type, String field, Object value) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("key_id", key.keyId());
        payload.put("operation_id", record.receiptId());
        payload.put(field, value);
        audit.events().make(type, key.tenantId(), key.scope().environment().apiName(), key.scope().plane().apiName(),
                key.keyId(), payload).ifPresent(record::event);
    }

    private static SignatureAlgorithm algorithmFor(KeyRecord key, SignatureAlgorithm requested) {
        if (requested == null) {
            return SignatureAlgorithm.defaultFor(key.type());
        }
        if (requested.keyType() != key.type()) {
            throw new KmsException(com.zeroui.kms.error.ErrorCode.INVALID_REQUEST, "algorithm " + requested
                    + " does not match key " + key.keyId() + " of type " + key.type(),
                    Map.of("field", "algorithm", "key_id", key.keyId(), "key_type", key.type().apiName()));
        }
        return requested;
    }
}
