package com.zeroui.kms.keys;

import com.zeroui.kms.auth.CallerIdentity;
import com.zeroui.kms.crypto.CryptoSuite;
import com.zeroui.kms.crypto.SignatureAlgorithm;
import com.zeroui.kms.error.KmsException;
import java.util.Map;

/** Sign and verify with a managed asymmetric key. */
public final class SigningService {
    private final KeyResolver resolver;
    private final KeyMaterialCache material;
    private final CryptoSuite crypto;

    public SigningService(KeyRepository repository, KeyMaterialCache material, CryptoSuite crypto) {
        this.resolver = new KeyResolver(repository);
        this.material = material;
        this.crypto = crypto;
    }

    public record Signed(KeyRecord key, SignatureAlgorithm algorithm, byte[] signature) {
    }

    public record Verified(KeyRecord key, SignatureAlgorithm algorithm, boolean valid) {
    }

    public Signed sign(CallerIdentity caller, KeyScope scope, KeyRef ref, byte[] data, SignatureAlgorithm requested) {
        KeyRecord key = resolver.resolveForUse(caller, scope, ref, KeyUsage.SIGN);
        SignatureAlgorithm algorithm = algorithmFor(key, requested);
        return new Signed(key, algorithm, crypto.sign(algorithm, material.load(key).privateKey(), data));
    }

    /** A signature that does not verify is {@code valid=false}, not an error. */
    public Verified verify(CallerIdentity caller, KeyScope scope, KeyRef ref, byte[] data, byte[] signature,
                           SignatureAlgorithm requested) {
        KeyRecord key = resolver.resolveForUse(caller, scope, ref, KeyUsage.VERIFY);
        SignatureAlgorithm algorithm = algorithmFor(key, requested);
        return new Verified(key, algorithm, crypto.verify(algorithm, material.load(key).publicKey(), data, signature));
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
