package com.zeroui.kms.events;

import java.util.Arrays;
import java.util.Optional;

/**
 * The spec's six supported events, the high-rate ones of the other key operations (encrypt, decrypt,
 * MAC, announced like sign and verify), plus {@code policy_violation} (the spec's "policy-violation
 * event if configured") and {@code tree_head_signed} (an outside copy of every signed tree head). High-rate types are emitted once per cryptographic operation; their cost
 * is recorded in BENCHMARKS.md and they can be switched off.
 */
public enum EventType {
    KEY_GENERATED("key_generated", false),
    KEY_ROTATED("key_rotated", false),
    KEY_REVOKED("key_revoked", false),
    SIGNATURE_CREATED("signature_created", true),
    SIGNATURE_VERIFIED("signature_verified", true),
    /** One per encryption: key_id, operation_id (the receipt), algorithm. Never the data. */
    DATA_ENCRYPTED("data_encrypted", true),
    DATA_DECRYPTED("data_decrypted", true),
    MAC_CREATED("mac_created", true),
    MAC_VERIFIED("mac_verified", true),
    TRUST_ANCHOR_UPDATED("trust_anchor_updated", false),
    POLICY_VIOLATION("policy_violation", false),
    /** A signed tree head of the receipt log (GLOBAL): relying parties keep these as witness copies. */
    TREE_HEAD_SIGNED("tree_head_signed", false),
    /** Random bytes handed out; the payload has their length, never the bytes. */
    RANDOM_GENERATED("random_generated", true),
    /** Bytes derived (HKDF from a key, PBKDF2 from a credential), returned or stored as a new key. */
    KEY_DERIVED("key_derived", true),
    /** A data key generated under a key (envelope encryption). */
    DATA_KEY_GENERATED("data_key_generated", true),
    /** A ciphertext re-encrypted under another key without the plaintext leaving the service. */
    CIPHERTEXT_REWRAPPED("ciphertext_rewrapped", true),
    /** A key created from material the caller brought (BYOK). */
    KEY_IMPORTED("key_imported", false);

    private final String apiName;
    private final boolean highRate;

    EventType(String apiName, boolean highRate) {
        this.apiName = apiName;
        this.highRate = highRate;
    }

    public String apiName() {
        return apiName;
    }

    public boolean highRate() {
        return highRate;
    }

    public static Optional<EventType> fromApiName(String name) {
        return Arrays.stream(values()).filter(t -> t.apiName.equals(name)).findFirst();
    }

    @Override
    public String toString() {
        return apiName;
    }
}
