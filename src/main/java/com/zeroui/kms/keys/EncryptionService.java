package com.zeroui.kms.keys;

import com.zeroui.kms.auth.CallerIdentity;
import com.zeroui.kms.crypto.AeadAlgorithm;
import com.zeroui.kms.crypto.AeadAuthenticationException;
import com.zeroui.kms.crypto.CryptoSuite;
import com.zeroui.kms.error.ErrorCode;
import com.zeroui.kms.error.KmsException;
import java.util.Map;
import javax.crypto.SecretKey;

/** Authenticated encryption with a managed AES-256 key. */
public final class EncryptionService {
    /** The one message for every decryption failure, so failures reveal nothing about why. */
    public static final String DECRYPTION_FAILED = "decryption failed: ciphertext, iv, aad or key do not match";

    private final KeyResolver resolver;
    private final KeyMaterialCache material;
    private final CryptoSuite crypto;
    private final AeadInvocationBudget budget;

    public EncryptionService(KeyRepository repository, KeyMaterialCache material, CryptoSuite crypto,
                             AeadInvocationBudget budget) {
        this.resolver = new KeyResolver(repository);
        this.material = material;
        this.crypto = crypto;
        this.budget = budget;
    }

    public record Encrypted(KeyRecord key, AeadAlgorithm algorithm, byte[] ciphertext, byte[] nonce) {
    }

    public record Decrypted(KeyRecord key, AeadAlgorithm algorithm, byte[] plaintext) {
    }

    public Encrypted encrypt(CallerIdentity caller, KeyScope scope, KeyRef ref, byte[] plaintext, byte[] aad,
                             AeadAlgorithm requested) {
        KeyRecord key = resolver.resolveForUse(caller, scope, ref, KeyUsage.ENCRYPT);
        AeadAlgorithm algorithm = requested == null ? AeadAlgorithm.AES_256_GCM : requested;
        SecretKey secret = secretFor(material.load(key), algorithm);
        budget.spend(key.keyId());
        byte[] nonce = CryptoSuite.randomNonce();
        return new Encrypted(key, algorithm, crypto.seal(algorithm, secret, nonce, plaintext, aad), nonce);
    }

    public Decrypted decrypt(CallerIdentity caller, KeyScope scope, KeyRef ref, byte[] ciphertext, byte[] nonce,
                             byte[] aad, AeadAlgorithm requested) {
        KeyRecord key = resolver.resolveForUse(caller, scope, ref, KeyUsage.DECRYPT);
        AeadAlgorithm algorithm = requested == null ? AeadAlgorithm.AES_256_GCM : requested;
        SecretKey secret = secretFor(material.load(key), algorithm);
        try {
            return new Decrypted(key, algorithm, crypto.open(algorithm, secret, nonce, ciphertext, aad));
        } catch (AeadAuthenticationException e) {
            throw new KmsException(ErrorCode.INVALID_REQUEST, DECRYPTION_FAILED, Map.of("key_id", key.keyId()));
        }
    }

    private static SecretKey secretFor(LoadedKey loaded, AeadAlgorithm algorithm) {
        return algorithm == AeadAlgorithm.AES_256_GCM ? loaded.aesKey() : loaded.chachaKey();
    }
}
