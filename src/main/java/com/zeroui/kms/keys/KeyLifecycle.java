package com.zeroui.kms.keys;

import java.time.Instant;

/**
 * Where a key is in its life beyond its state: why and when it was revoked, when its material is
 * (or was) erased, which key replaced it or which it replaced, and its own rotation period.
 * Null fields do not apply.
 */
public record KeyLifecycle(Instant revokedAt, RevocationReason revocationReason, Instant destroyAfter,
                           Instant destroyedAt, KeyState stateBeforeDestruction, String predecessorKeyId,
                           String successorKeyId, Integer rotationPeriodDays) {

    public static final KeyLifecycle NEW = new KeyLifecycle(null, null, null, null, null, null, null, null);

    public static KeyLifecycle withRotationPeriod(Integer days) {
        return new KeyLifecycle(null, null, null, null, null, null, null, days);
    }

    public KeyLifecycle withPredecessor(String keyId) {
        return new KeyLifecycle(revokedAt, revocationReason, destroyAfter, destroyedAt, stateBeforeDestruction, keyId,
                successorKeyId, rotationPeriodDays);
    }
}
