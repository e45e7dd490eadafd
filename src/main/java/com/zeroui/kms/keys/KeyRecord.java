package com.zeroui.kms.keys;

import com.zeroui.kms.crypto.KeyType;
import java.time.Instant;
import java.util.Set;

/**
 * One stored key: its metadata, its public key (SPKI DER, null for AES) and its private or secret
 * material, only ever wrapped by the master key identified by {@code masterKeyId}.
 */
public record KeyRecord(
        String keyId,
        KeyScope scope,
        KeyType type,
        Set<KeyUsage> usage,
        String alias,
        KeyState state,
        Instant createdAt,
        Instant validFrom,
        Instant validUntil,
        int rotationCount,
        AccessPolicy policy,
        String createdBy,
        byte[] publicKeySpki,
        byte[] wrappedMaterial,
        String masterKeyId) {

    public String tenantId() {
        return scope.tenantId();
    }
}
