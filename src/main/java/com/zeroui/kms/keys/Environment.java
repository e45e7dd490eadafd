package com.zeroui.kms.keys;

import java.util.Arrays;
import java.util.Optional;

public enum Environment {
    DEV, STAGING, PROD;

    public String apiName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static Optional<Environment> fromApiName(String name) {
        return Arrays.stream(values()).filter(v -> v.apiName().equals(name)).findFirst();
    }
}
