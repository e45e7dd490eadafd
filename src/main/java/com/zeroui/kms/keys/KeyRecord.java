package com.zeroui.kms.keys;

import com.zeroui.kms.crypto.KeyType;
import com.zeroui.kms.keystore.ProtectionLevel;
import java.time.Instant;
import java.util.Set;

/**
 * One stored key: its metadata, its public key (SPKI DER, null for AES) and its private or secret
 * material, only ever wrapped by the master-key version identified by {@code masterKeyId} — or, at
 * protection level hsm, not here at all but a token object (see {@link ProtectionLevel}).
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
        String masterKeyId,
        KeyLifecycle lifecycle,
        ProtectionLevel protectionLevel,
        KeyOrigin origin) {

    public KeyRecord {
        lifecycle = lifecycle == null ? KeyLifecycle.NEW : lifecycle;
        protectionLevel = protectionLevel == null ? ProtectionLevel.SOFTWARE : protectionLevel;
        origin = origin == null ? KeyOrigin.GENERATED : origin;
    }

    /** A key this service generated. */
    public KeyRecord(String keyId, KeyScope scope, KeyType type, Set<KeyUsage> usage, String alias, KeyState state,
                     Instant createdAt, Instant validFrom, Instant validUntil, int rotationCount, AccessPolicy policy,
                     String createdBy, byte[] publicKeySpki, byte[] wrappedMaterial, String masterKeyId,
                     KeyLifecycle lifecycle, ProtectionLevel protectionLevel) {
        this(keyId, scope, type, usage, alias, state, createdAt, validFrom, validUntil, rotationCount, policy, createdBy,
                publicKeySpki, wrappedMaterial, masterKeyId, lifecycle, protectionLevel, KeyOrigin.GENERATED);
    }

    /** A software key (wrapped by the master key). */
    public KeyRecord(String keyId, KeyScope scope, KeyType type, Set<KeyUsage> usage, String alias, KeyState state,
                     Instant createdAt, Instant validFrom, Instant validUntil, int rotationCount, AccessPolicy policy,
                     String createdBy, byte[] publicKeySpki, byte[] wrappedMaterial, String masterKeyId,
                     KeyLifecycle lifecycle) {
        this(keyId, scope, type, usage, alias, state, createdAt, validFrom, validUntil, rotationCount, policy, createdBy,
                publicKeySpki, wrappedMaterial, masterKeyId, lifecycle, ProtectionLevel.SOFTWARE);
    }

    public boolean inHsm() {
        return protectionLevel == ProtectionLevel.HSM;
    }

    /** The same key with its material re-wrapped by another master-key version. */
    public KeyRecord rewrapped(byte[] wrapped, String byMasterKeyId) {
        return new KeyRecord(keyId, scope, type, usage, alias, state, createdAt, validFrom, validUntil, rotationCount, policy,
                createdBy, publicKeySpki, wrapped, byMasterKeyId, lifecycle, protectionLevel, origin);
    }

    /** A key that has not moved in its lifecycle yet. */
    public KeyRecord(String keyId, KeyScope scope, KeyType type, Set<KeyUsage> usage, String alias, KeyState state,
                     Instant createdAt, Instant validFrom, Instant validUntil, int rotationCount, AccessPolicy policy,
                     String createdBy, byte[] publicKeySpki, byte[] wrappedMaterial, String masterKeyId) {
        this(keyId, scope, type, usage, alias, state, createdAt, validFrom, validUntil, rotationCount, policy, createdBy,
                publicKeySpki, wrappedMaterial, masterKeyId, KeyLifecycle.NEW);
    }

    /**
     * The state at {@code now}: a grace period that ran out is archived and a destruction that came
     * due is destroyed, even before the scheduler has written it down. Checks use this, so time alone
     * closes a grace period or a destruction window on every node.
     */
    /** This record as seen at {@code now}: its effective state in place of the stored one. */
    public KeyRecord asOf(Instant now) {
        KeyState effective = effectiveState(now);
        return effective == state ? this : new KeyRecord(keyId, scope, type, usage, alias, effective, createdAt, validFrom,
                validUntil, rotationCount, policy, createdBy, publicKeySpki, wrappedMaterial, masterKeyId, lifecycle,
                protectionLevel, origin);
    }

    public KeyState effectiveState(Instant now) {
        if (state == KeyState.PENDING_ROTATION && validUntil != null && !now.isBefore(validUntil)) {
            return KeyState.ARCHIVED;
        }
        if (state == KeyState.PENDING_DESTRUCTION && lifecycle.destroyAfter() != null
                && !now.isBefore(lifecycle.destroyAfter())) {
            return KeyState.DESTROYED;
        }
        return state;
    }

    public String tenantId() {
        return scope.tenantId();
    }
}
