package com.zeroui.kms.keys;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.zeroui.kms.crypto.AeadAlgorithm;
import com.zeroui.kms.crypto.CryptoSuite;
import com.zeroui.kms.crypto.SecretBytes;
import com.zeroui.kms.error.ErrorCode;
import com.zeroui.kms.error.KmsException;
import com.zeroui.kms.keystore.MasterKeyException;
import com.zeroui.kms.keystore.MasterKeyProvider;
import com.zeroui.kms.keystore.MasterKeyUnavailableException;
import java.nio.charset.StandardCharsets;
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

    public KeyMaterialCache(MasterKeyProvider masterKey, CryptoSuite crypto, long maximumSize) {
        this.masterKey = masterKey;
        this.crypto = crypto;
        this.cache = Caffeine.newBuilder().maximumSize(maximumSize).expireAfterAccess(Duration.ofMinutes(30)).build();
    }

    /** Associated data binding wrapped material to its tenant and key id. */
    static byte[] wrappingAad(String tenantId, String keyId) {
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

    /** The master-key version that wrapped {@code wrapped}: what the key record names. */
    String wrappedBy(byte[] wrapped) {
        return masterKey.keyIdOf(wrapped);
    }

    LoadedKey load(KeyRecord key) {
        return cache.get(key.keyId(), id -> unwrap(key));
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
                        null, null);
            }
            return new LoadedKey(null, null, CryptoSuite.secretKey(secret, AeadAlgorithm.AES_256_GCM),
                    CryptoSuite.secretKey(secret, AeadAlgorithm.CHACHA20_POLY1305));
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
