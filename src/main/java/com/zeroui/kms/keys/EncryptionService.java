package com.zeroui.kms.keys;

import com.zeroui.kms.audit.AuditRecord;
import com.zeroui.kms.audit.AuditTrail;
import com.zeroui.kms.audit.Audited;
import com.zeroui.kms.auth.CallerIdentity;
import com.zeroui.kms.crypto.AeadAlgorithm;
import com.zeroui.kms.crypto.AeadAuthenticationException;
import com.zeroui.kms.crypto.CiphertextBlob;
import com.zeroui.kms.crypto.CryptoSuite;
import com.zeroui.kms.error.ErrorCode;
import com.zeroui.kms.error.KmsException;
import com.zeroui.kms.events.EventType;
import com.zeroui.kms.keys.KeyOperations.Operation;
import com.zeroui.kms.keys.KeyOperations.Outcome;
import com.zeroui.kms.keys.KeyOperations.Target;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/** Authenticated encryption with a managed AES-256 key. */
public final class EncryptionService {
    /** The one message for every decryption failure, so failures reveal nothing about why. */
    public static final String DECRYPTION_FAILED = "decryption failed: ciphertext, iv, aad or key do not match";
    static final Operation ENCRYPT = new Operation("encrypt", "encrypt", KeyUsage.ENCRYPT, EventType.DATA_ENCRYPTED);
    static final Operation DECRYPT = new Operation("decrypt", "decrypt", KeyUsage.DECRYPT, EventType.DATA_DECRYPTED);

    private final KeyOperations operations;
    private final CryptoSuite crypto;
    private final AeadInvocationBudget budget;

    public EncryptionService(KeyRepository repository, KeyMaterialCache material, CryptoSuite crypto,
                             AeadInvocationBudget budget, AuditTrail audit, java.time.Clock clock, UsageLimiter limits) {
        this.operations = new KeyOperations(repository, material, crypto, audit, clock, limits);
        this.crypto = crypto;
        this.budget = budget;
    }

    public record Encrypted(KeyRecord key, AeadAlgorithm algorithm, byte[] ciphertext, byte[] nonce) {
        /** The same ciphertext as one self-describing blob (docs/adr/0032). */
        public CiphertextBlob blob() {
            return new CiphertextBlob(algorithm, key.keyId(), key.rotationCount(), nonce, ciphertext);
        }
    }

    public record Decrypted(KeyRecord key, AeadAlgorithm algorithm, byte[] plaintext) {
    }

    public Audited<Encrypted> encrypt(CallerIdentity caller, KeyScope scope, KeyRef ref, byte[] plaintext, byte[] aad,
                                      AeadAlgorithm requested) {
        AeadAlgorithm algorithm = requested == null ? AeadAlgorithm.AES_256_GCM : requested;
        refuseUnserved(algorithm);
        return operations.run(ENCRYPT, new Target(caller, scope, ref),
                describe(algorithm, r -> r.secretLength("plaintext", plaintext.length).secretLength("aad", aad.length)),
                key -> {
                    key.aeadAlgorithm(algorithm);
                    // the per-key budget is spent only by a key that passed every check
                    budget.spend(key.record().keyId());
                    CryptoSuite.Sealed sealed = key.seal(algorithm, plaintext, aad);
                    return Outcome.of(new Encrypted(key.record(), algorithm, sealed.ciphertextAndTag(), sealed.nonce()),
                            "algorithm", algorithm.apiName());
                });
    }

    public Audited<Decrypted> decrypt(CallerIdentity caller, KeyScope scope, KeyRef ref, byte[] ciphertext, byte[] nonce,
                                      byte[] aad, AeadAlgorithm requested) {
        AeadAlgorithm algorithm = requested == null ? AeadAlgorithm.AES_256_GCM : requested;
        refuseUnserved(algorithm);
        return operations.run(DECRYPT, new Target(caller, scope, ref),
                describe(algorithm, r -> r.secretLength("ciphertext", ciphertext.length).secretLength("aad", aad.length)),
                key -> {
                    key.aeadAlgorithm(algorithm);
                    try {
                        return Outcome.of(new Decrypted(key.record(), algorithm, key.open(algorithm, nonce, ciphertext, aad)),
                                "algorithm", algorithm.apiName());
                    } catch (AeadAuthenticationException e) {
                        throw decryptionFailed(key.record().keyId());
                    }
                });
    }

    private static Consumer<AuditRecord> describe(AeadAlgorithm algorithm, Consumer<AuditRecord> lengths) {
        return r -> lengths.accept(r.algorithm(algorithm.apiName()).param("algorithm", algorithm.apiName()));
    }

    /**
     * Decrypts a self-describing ciphertext (docs/adr/0032): the key, its version, the algorithm and
     * the nonce come from the blob; the key is located from it inside the receipt (after the tenant
     * check, so a caller who may not act here learns nothing about the blob) and then gets every
     * check of the template. A blob that is malformed, names another version of the key or does not
     * authenticate is the one constant decryption failure.
     */
    public Audited<Decrypted> decryptBlob(CallerIdentity caller, KeyScope scope, byte[] blobBytes, byte[] aad) {
        Optional<CiphertextBlob> decoded = CiphertextBlob.decode(blobBytes); // parsing only: refused inside the receipt
        return operations.run(DECRYPT, Target.located(caller, scope, () -> blobKey(caller, scope, decoded)),
                r -> {
                    r.secretLength("ciphertext_blob", blobBytes.length).secretLength("aad", aad.length);
                    decoded.ifPresent(blob -> r.algorithm(blob.algorithm().apiName()));
                },
                key -> {
                    CiphertextBlob blob = decoded.orElseThrow();
                    return Outcome.of(new Decrypted(key.record(), blob.algorithm(), open(key, blob, aad)),
                            "algorithm", blob.algorithm().apiName());
                });
    }

    /** The key a blob names, once the caller may act in {@code scope} and the blob's algorithm is served. */
    KeyRef blobKey(CallerIdentity caller, KeyScope scope, Optional<CiphertextBlob> decoded) {
        KeyResolver.requireScope(caller, scope);
        CiphertextBlob blob = decoded.orElseThrow(() -> decryptionFailed(null));
        refuseUnserved(blob.algorithm());
        return new KeyRef(blob.keyId(), null);
    }

    /** Opens {@code blob} with {@code key} (it passed the decrypt checks); every failure is the constant one. */
    byte[] open(UsableKey key, CiphertextBlob blob, byte[] aad) {
        if (key.record().rotationCount() != blob.keyVersion()) {
            throw decryptionFailed(key.record().keyId());
        }
        try {
            return key.open(blob.algorithm(), blob.nonce(), blob.ciphertextAndTag(), aad);
        } catch (AeadAuthenticationException e) {
            throw decryptionFailed(key.record().keyId());
        }
    }

    static KmsException decryptionFailed(String keyId) {
        return new KmsException(ErrorCode.INVALID_REQUEST, DECRYPTION_FAILED,
                keyId == null ? Map.of() : Map.of("key_id", keyId));
    }

    /** FIPS mode: a non-approved algorithm is a bad request, named with the reason. */
    void refuseUnserved(AeadAlgorithm algorithm) {
        crypto.refusal(algorithm).ifPresent(reason -> {
            throw new KmsException(ErrorCode.INVALID_REQUEST, reason,
                    Map.of("field", "algorithm", "algorithm", algorithm.apiName()));
        });
    }
}
