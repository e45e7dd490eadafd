package com.zeroui.kms.keys;

import com.zeroui.kms.auth.CallerIdentity;

/**
 * Usage limits on cryptographic operations (per-caller and per-key rates, the key's daily quota),
 * checked after the key's policy and before its state. Implemented by {@code limits.UsageGate};
 * a refusal is 429 RATE_LIMITED.
 */
public interface UsageLimiter {
    /** Admits one use of {@code key} by {@code caller}, or throws 429 RATE_LIMITED. */
    void admit(CallerIdentity caller, KeyRecord key, KeyUsage usage);

    /** Admits one keyless operation (random bytes) by {@code caller}: only the caller's rate applies. */
    default void admitCaller(CallerIdentity caller) {
    }

    UsageLimiter NONE = (caller, key, usage) -> {
    };
}
