package com.zeroui.kms.keys;

/** What a caller (or the scheduler) can do to or with a key; the columns of the state table. */
public enum KeyOperation {
    SIGN, VERIFY, ENCRYPT, DECRYPT, ROTATE, REVOKE, SCHEDULE_DESTRUCTION, CANCEL_DESTRUCTION, UPDATE_POLICY,
    READ_METADATA, READ_PUBLIC_KEY, DERIVE, MAC, MAC_VERIFY;

    public String apiName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    static KeyOperation of(KeyUsage usage) {
        return switch (usage) {
            case SIGN -> SIGN;
            case VERIFY -> VERIFY;
            case ENCRYPT -> ENCRYPT;
            case DECRYPT -> DECRYPT;
            case MAC -> MAC;
            case MAC_VERIFY -> MAC_VERIFY;
            case DERIVE -> DERIVE;
        };
    }
}
