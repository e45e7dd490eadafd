package com.zeroui.kms.keys;

import com.zeroui.kms.crypto.AeadAlgorithm;
import com.zeroui.kms.crypto.AeadAuthenticationException;
import com.zeroui.kms.crypto.CryptoSuite;
import com.zeroui.kms.crypto.MacAlgorithm;
import com.zeroui.kms.crypto.SignatureAlgorithm;
import com.zeroui.kms.error.ErrorCode;
import com.zeroui.kms.error.KmsException;
import com.zeroui.kms.keystore.HsmKeys;
import com.zeroui.kms.keystore.MasterKeyException;
import com.zeroui.kms.keystore.ProtectionLevel;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.Map;
import javax.crypto.SecretKey;

/**
 * Usable key objects for one key, held only in the bounded in-memory cache. A software key carries
 * its unwrapped key objects; an hsm key carries only the token that holds it ({@code hsm}) and its
 * id, and each operation below runs where the key lives.
 */
record LoadedKey(PrivateKey privateKey, PublicKey publicKey, Map<String, SecretKey> secrets, HsmKeys hsm,
                 String keyId) {

    /** {@code secrets}: a secret key's objects by JCA key algorithm ({@link com.zeroui.kms.crypto.KeyType#secretKeyAlgorithms()}). */
    LoadedKey(PrivateKey privateKey, PublicKey publicKey, Map<String, SecretKey> secrets) {
        this(privateKey, publicKey, secrets, null, null);
    }

    /** The full-length MAC tag of {@code data}. */
    byte[] mac(CryptoSuite crypto, MacAlgorithm algorithm, byte[] data) {
        requireSoftware(algorithm.apiName());
        return crypto.mac(algorithm, secrets.get(algorithm.jcaName()), data);
    }

    /** Whether {@code tag} is {@code data}'s tag; compared in constant time. */
    boolean verifyMac(CryptoSuite crypto, MacAlgorithm algorithm, byte[] data, byte[] tag) {
        requireSoftware(algorithm.apiName());
        return crypto.verifyMac(algorithm, secrets.get(algorithm.jcaName()), data, tag);
    }

    private void requireSoftware(String algorithm) {
        requireInHsm(hsm == null, algorithm);
    }

    byte[] sign(CryptoSuite crypto, SignatureAlgorithm algorithm, byte[] data) {
        if (hsm == null) {
            return crypto.sign(algorithm, privateKey, data);
        }
        requireInHsm(ProtectionLevel.HSM.supports(algorithm), algorithm.apiName());
        try {
            return hsm.sign(keyId, algorithm, data);
        } catch (MasterKeyException e) {
            throw KeyMaterialCache.hsmFailure(keyId, e);
        }
    }

    boolean verify(CryptoSuite crypto, SignatureAlgorithm algorithm, byte[] data, byte[] signature) {
        if (hsm == null) {
            return crypto.verify(algorithm, publicKey, data, signature);
        }
        requireInHsm(ProtectionLevel.HSM.supports(algorithm), algorithm.apiName());
        try {
            return hsm.verify(publicKey, algorithm, data, signature);
        } catch (MasterKeyException e) {
            throw KeyMaterialCache.hsmFailure(keyId, e);
        }
    }

    /** Seals under a fresh nonce: chosen by the crypto module for software keys (FIPS: inside it), randomly for hsm keys. */
    CryptoSuite.Sealed seal(CryptoSuite crypto, AeadAlgorithm algorithm, byte[] plaintext, byte[] aad) {
        if (hsm == null) {
            return crypto.sealWithFreshNonce(algorithm, secretFor(algorithm), plaintext, aad);
        }
        requireInHsm(ProtectionLevel.HSM.supports(algorithm), algorithm.apiName());
        try {
            byte[] nonce = CryptoSuite.randomNonce();
            return new CryptoSuite.Sealed(nonce, hsm.seal(keyId, nonce, plaintext, aad));
        } catch (MasterKeyException e) {
            throw KeyMaterialCache.hsmFailure(keyId, e);
        }
    }

    byte[] open(CryptoSuite crypto, AeadAlgorithm algorithm, byte[] nonce, byte[] sealed, byte[] aad)
            throws AeadAuthenticationException {
        if (hsm == null) {
            return crypto.open(algorithm, secretFor(algorithm), nonce, sealed, aad);
        }
        requireInHsm(ProtectionLevel.HSM.supports(algorithm), algorithm.apiName());
        byte[] plain;
        try {
            plain = hsm.open(keyId, nonce, sealed, aad);
        } catch (MasterKeyException e) {
            throw KeyMaterialCache.hsmFailure(keyId, e);
        }
        if (plain == null) {
            throw new AeadAuthenticationException();
        }
        return plain;
    }

    /**
     * The raw secret of a software secret key (any of its key objects holds the same bytes), as HKDF
     * input keying material; the caller erases it. An hsm key's secret never leaves its token, so it
     * cannot be an HKDF input (400).
     */
    byte[] secretForDerivation() {
        SecretKey any = secrets.isEmpty() ? null : secrets.values().iterator().next();
        if (hsm != null || any == null) {
            throw new KmsException(ErrorCode.INVALID_REQUEST, "key " + keyId + " is held in an HSM token and cannot be"
                    + " an HKDF input (its secret never leaves the token)", Map.of("field", "key_id",
                    "protection_level", ProtectionLevel.HSM.apiName()));
        }
        return any.getEncoded();
    }

    private SecretKey secretFor(AeadAlgorithm algorithm) {
        return secrets.get(algorithm.keyAlgorithm());
    }

    private void requireInHsm(boolean supported, String algorithm) {
        if (!supported) {
            throw new KmsException(ErrorCode.INVALID_REQUEST, "algorithm " + algorithm + " is not available for key "
                    + keyId + " at protection_level hsm", Map.of("field", "algorithm", "key_id", keyId,
                    "protection_level", ProtectionLevel.HSM.apiName()));
        }
    }

    @Override
    public String toString() {
        return "LoadedKey[redacted]";
    }
}
