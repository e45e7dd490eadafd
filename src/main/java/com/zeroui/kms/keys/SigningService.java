package com.zeroui.kms.keys;

import com.zeroui.kms.audit.AuditTrail;
import com.zeroui.kms.audit.Audited;
import com.zeroui.kms.auth.CallerIdentity;
import com.zeroui.kms.crypto.CryptoSuite;
import com.zeroui.kms.crypto.SignatureAlgorithm;
import com.zeroui.kms.events.EventType;
import com.zeroui.kms.keys.KeyOperations.Operation;
import com.zeroui.kms.keys.KeyOperations.Outcome;
import com.zeroui.kms.keys.KeyOperations.Target;

/** Sign and verify with a managed asymmetric key (every signing type of the registry). */
public final class SigningService {
    static final Operation SIGN = new Operation("signature_created", "sign", KeyUsage.SIGN, EventType.SIGNATURE_CREATED);
    static final Operation VERIFY = new Operation("signature_verified", "verify", KeyUsage.VERIFY,
            EventType.SIGNATURE_VERIFIED);

    private final KeyOperations operations;

    public SigningService(KeyRepository repository, KeyMaterialCache material, CryptoSuite crypto, AuditTrail audit,
                          java.time.Clock clock, UsageLimiter limits) {
        this.operations = new KeyOperations(repository, material, crypto, audit, clock, limits);
    }

    public record Signed(KeyRecord key, SignatureAlgorithm algorithm, byte[] signature) {
    }

    public record Verified(KeyRecord key, SignatureAlgorithm algorithm, boolean valid) {
    }

    public Audited<Signed> sign(CallerIdentity caller, KeyScope scope, KeyRef ref, byte[] data, SignatureAlgorithm requested) {
        return operations.run(SIGN, new Target(caller, scope, ref),
                r -> r.param("algorithm", requested == null ? null : requested.apiName()).secretLength("data", data.length),
                key -> {
                    SignatureAlgorithm algorithm = key.signatureAlgorithm(requested);
                    key.receipt().algorithm(algorithm.apiName());
                    Signed signed = new Signed(key.record(), algorithm, key.sign(algorithm, data));
                    return Outcome.of(signed, "algorithm", algorithm.apiName());
                });
    }

    /** A signature that does not verify is {@code valid=false}, not an error. */
    public Audited<Verified> verify(CallerIdentity caller, KeyScope scope, KeyRef ref, byte[] data, byte[] signature,
                                    SignatureAlgorithm requested) {
        return operations.run(VERIFY, new Target(caller, scope, ref),
                r -> r.param("algorithm", requested == null ? null : requested.apiName())
                        .secretLength("data", data.length).secretLength("signature", signature.length),
                key -> {
                    SignatureAlgorithm algorithm = key.signatureAlgorithm(requested);
                    key.receipt().algorithm(algorithm.apiName());
                    boolean valid = key.verify(algorithm, data, signature);
                    return Outcome.of(new Verified(key.record(), algorithm, valid), "valid", valid);
                });
    }
}
