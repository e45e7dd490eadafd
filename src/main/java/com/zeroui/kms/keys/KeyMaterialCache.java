package com.zeroui.kms.keys;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.zeroui.kms.crypto.CryptoSuite;
import com.zeroui.kms.crypto.SecretBytes;
import com.zeroui.kms.error.ErrorCode;
import com.zeroui.kms.error.KmsException;
import com.zeroui.kms.crypto.KeyType;
import com.zeroui.kms.keystore.HsmKeys;
import com.zeroui.kms.keystore.MasterKeyException;
import com.zeroui.kms.keystore.MasterKeyProvider;
import com.zeroui.kms.keystore.MasterKeyUnavailableException;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;

/**
 * The only place key material is unwrapped. Plaintext key objects live in a bounded cache (size
 * and idle time limited) and nowhere else; entries can be evicted explicitly when a key changes state.
 */
public final class KeyMaterialCache {
    private final MasterKeyProvider masterKey;
    private final CryptoSuite crypto;
    private final Cache<String, LoadedKey> cache;
    private final HsmKeys hsm;

    public KeyMaterialCache(MasterKeyProvider masterKey, CryptoSuite crypto, long maximumSize) {
        this(masterKey, crypto, maximumSize, null);
    }

    /** With {@code hsm} (null when there is no token), keys at protection level hsm can be made and used. */
    public KeyMaterialCache(MasterKeyProvider masterKey, CryptoSuite crypto, long maximumSize, HsmKeys hsm) {
        this.hsm = hsm;
        this.masterKey = masterKey;
        this.crypto = crypto;
        this.cache = Caffeine.newBuilder().maximumSize(maximumSize).expireAfterAccess(Duration.ofMinutes(30))
                .recordStats().build();
    }

    /** Associated data binding wrapped material to its tenant and key id. */
    public static byte[] wrappingAad(String tenantId, String keyId) {
        return ("kms/v1/key/" + tenantId + "/" + keyId).getBytes(StandardCharsets.UTF_8);
    }

    byte[] wrap(String tenantId, String keyId, SecretBytes material) {
        byte[] plain = material.reveal();
        try {
            return masterKey.wrap(plain, wrappingAad(tenantId, keyId));
        } catch (MasterKeyException e) {
            throw masterKeyFailure(keyId, e);
        } finally {
            Arrays.fill(plain, (byte) 0);
        }
    }

    /** Unwraps what {@link #wrap} wrapped for ({@code tenantId}, {@code id}); the caller destroys it. */
    SecretBytes unwrapSecret(String tenantId, String id, byte[] wrapped) {
        byte[] plain;
        try {
            plain = masterKey.unwrap(wrapped, wrappingAad(tenantId, id));
        } catch (MasterKeyException e) {
            throw masterKeyFailure(id, e);
        }
        try {
            return SecretBytes.copyOf(plain);
        } finally {
            Arrays.fill(plain, (byte) 0);
        }
    }

    /** The master-key version that wrapped {@code wrapped}: what the key record names. */
    String wrappedBy(byte[] wrapped) {
        return masterKey.keyIdOf(wrapped);
    }

    LoadedKey load(KeyRecord key) {
        return cache.get(key.keyId(), id -> key.inHsm() ? inToken(key) : unwrap(key));
    }

    boolean hsmAvailable() {
        return hsm != null;
    }

    /** Generates an hsm key inside the token; returns its SPKI public key (null for AES). */
    byte[] generateInHsm(KeyType type, String keyId) {
        try {
            return requireHsm(keyId).generate(type, keyId);
        } catch (MasterKeyException e) {
            throw hsmFailure(keyId, e);
        }
    }

    /** Destroys an hsm key's token object (nothing to do for a software key). */
    void destroyInHsm(KeyRecord key) {
        if (!key.inHsm()) {
            return;
        }
        evict(key.keyId());
        try {
            requireHsm(key.keyId()).destroy(key.keyId());
        } catch (MasterKeyException e) {
            throw hsmFailure(key.keyId(), e);
        }
    }

    private LoadedKey inToken(KeyRecord key) {
        PublicKey publicKey = key.publicKeySpki() == null ? null : crypto.publicKey(key.type(), key.publicKeySpki());
        return new LoadedKey(null, publicKey, Map.of(), requireHsm(key.keyId()), key.keyId());
    }

    private HsmKeys requireHsm(String keyId) {
        if (hsm == null) {
            throw new KmsException(ErrorCode.INVALID_REQUEST, "protection_level hsm needs the master key in a PKCS#11 token"
                    + " (serve --master-key-provider pkcs11)", Map.of("field", "protection_level", "key_id", keyId));
        }
        return hsm;
    }

    /** A token that cannot be reached is 503 retryable; anything else it refuses is an internal error. */
    static KmsException hsmFailure(String keyId, MasterKeyException e) {
        if (e instanceof MasterKeyUnavailableException) {
            return new KmsException(ErrorCode.DEPENDENCY_UNAVAILABLE, 503, "HSM unavailable",
                    Map.of("dependency", "hsm", "key_id", keyId), e);
        }
        return new KmsException(ErrorCode.INTERNAL_ERROR, 500, "the HSM refused an operation on key " + keyId,
                Map.of("key_id", keyId), e);
    }

    /** Look-ups answered from the cache since start (for the metrics). */
    public long hits() {
        return cache.stats().hitCount();
    }

    /** Look-ups that had to unwrap (or reach the token) since start. */
    public long misses() {
        return cache.stats().missCount();
    }

    void evict(String keyId) {
        cache.invalidate(keyId);
    }

    private LoadedKey unwrap(KeyRecord key) {
        byte[] plain;
        try {
            plain = masterKey.unwrap(key.wrappedMaterial(), wrappingAad(key.tenantId(), key.keyId()));
        } catch (MasterKeyException e) {
            throw masterKeyFailure(key.keyId(), e);
        }
        SecretBytes secret = SecretBytes.copyOf(plain);
        Arrays.fill(plain, (byte) 0);
        try {
            if (key.type().isAsymmetric()) {
                return new LoadedKey(crypto.privateKey(key.type(), secret), crypto.publicKey(key.type(), key.publicKeySpki()),
                        Map.of());
            }
            // one key object per algorithm the type is used under (AES-256: AES and ChaCha20; HMAC-SHA256: HmacSHA256)
            Map<String, javax.crypto.SecretKey> secrets = new java.util.HashMap<>();
            for (String algorithm : key.type().secretKeyAlgorithms()) {
                secrets.put(algorithm, CryptoSuite.secretKey(secret, algorithm));
            }
            return new LoadedKey(null, null, Map.copyOf(secrets));
        } finally {
            secret.destroy();
        }
    }

    private KmsException masterKeyFailure(String keyId, MasterKeyException e) {
        if (e instanceof MasterKeyUnavailableException) {
            return new KmsException(ErrorCode.DEPENDENCY_UNAVAILABLE, 503, "master key unavailable",
                    Map.of("dependency", "master_key", "key_id", keyId), e);
        }
        return new KmsException(ErrorCode.INTERNAL_ERROR, 500, "stored key material failed its integrity check",
                Map.of("key_id", keyId, "master_key_id", masterKey.keyId()), e);
    }
}
