package com.zeroui.kms.keys;

import java.util.Arrays;
import java.util.Optional;

/** Lifecycle states as data. The foundation creates keys active; the lifecycle work moves them. */
public enum KeyState {
    ACTIVE, PENDING_ROTATION, ARCHIVED, REVOKED, PENDING_DESTRUCTION, DESTROYED;

    public String apiName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static Optional<KeyState> fromApiName(String name) {
        return Arrays.stream(values()).filter(v -> v.apiName().equals(name)).findFirst();
    }
}
