package com.zeroui.kms.keys;

import java.util.Arrays;
import java.util.Optional;

public enum Plane {
    LAPTOP, TENANT, PRODUCT, SHARED;

    public String apiName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static Optional<Plane> fromApiName(String name) {
        return Arrays.stream(values()).filter(v -> v.apiName().equals(name)).findFirst();
    }
}
