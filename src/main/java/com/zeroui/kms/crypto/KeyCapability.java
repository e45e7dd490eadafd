package com.zeroui.kms.crypto;

import java.util.Locale;

/**
 * What a key of some type can be used for: the vocabulary key types declare ({@link KeyType}) and
 * requests name as {@code key_usage} (each usage is one capability).
 */
public enum KeyCapability {
    SIGN, VERIFY, ENCRYPT, DECRYPT,
    /** Compute a MAC tag ({@code POST /kms/v1/mac}). */
    MAC,
    /** Verify a MAC tag ({@code POST /kms/v1/mac/verify}). */
    MAC_VERIFY,
    /** Derive key material from the key (HKDF). */
    DERIVE;

    public String apiName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
