package com.zeroui.kms.keys;

import com.zeroui.kms.crypto.KeyCapability;
import com.zeroui.kms.crypto.KeyType;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/** What a key was created for ({@code key_usage}): one usage per capability a key type declares. */
public enum KeyUsage {
    SIGN(KeyCapability.SIGN),
    VERIFY(KeyCapability.VERIFY),
    ENCRYPT(KeyCapability.ENCRYPT),
    DECRYPT(KeyCapability.DECRYPT),
    MAC(KeyCapability.MAC),
    MAC_VERIFY(KeyCapability.MAC_VERIFY),
    /** HKDF input: the key's secret is the input keying material of POST /derive. */
    DERIVE(KeyCapability.DERIVE);

    private final KeyCapability capability;

    KeyUsage(KeyCapability capability) {
        this.capability = capability;
    }

    public KeyCapability capability() {
        return capability;
    }

    public String apiName() {
        return capability.apiName();
    }

    public static Optional<KeyUsage> fromApiName(String name) {
        return Arrays.stream(values()).filter(v -> v.apiName().equals(name)).findFirst();
    }

    /** The usages a key of {@code type} may be created for: its declared capabilities ({@link KeyType}). */
    public static Set<KeyUsage> permittedFor(KeyType type) {
        Set<KeyUsage> out = EnumSet.noneOf(KeyUsage.class);
        Arrays.stream(values()).filter(u -> type.can(u.capability)).forEach(out::add);
        return out;
    }
}
