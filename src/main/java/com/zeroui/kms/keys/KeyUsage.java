package com.zeroui.kms.keys;

import com.zeroui.kms.crypto.KeyType;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

public enum KeyUsage {
    SIGN, VERIFY, ENCRYPT, DECRYPT,
    /** HKDF input: the key's secret is the input keying material of POST /derive. */
    DERIVE;

    public String apiName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static Optional<KeyUsage> fromApiName(String name) {
        return Arrays.stream(values()).filter(v -> v.apiName().equals(name)).findFirst();
    }

    /** Asymmetric keys sign and verify; AES keys encrypt, decrypt and serve as HKDF input. */
    public static Set<KeyUsage> permittedFor(KeyType type) {
        return type.isAsymmetric() ? EnumSet.of(SIGN, VERIFY) : EnumSet.of(ENCRYPT, DECRYPT, DERIVE);
    }
}
