package com.zeroui.kms.keys;

import java.util.Arrays;
import java.util.Optional;

/** The spec's key_revoked.revocation_reason values. */
public enum RevocationReason {
    COMPROMISED, RETIRED, POLICY_VIOLATION;

    public String apiName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static Optional<RevocationReason> fromApiName(String name) {
        return Arrays.stream(values()).filter(r -> r.apiName().equals(name)).findFirst();
    }
}
