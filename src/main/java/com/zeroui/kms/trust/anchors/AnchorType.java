package com.zeroui.kms.trust.anchors;

import java.util.Arrays;
import java.util.Optional;

/**
 * The spec's anchor types. {@code root} must be a self-signed certificate; {@code internal_ca}
 * and {@code external_ca} may be roots or intermediates (an anchor need not be self-signed).
 */
public enum AnchorType {
    INTERNAL_CA("internal_ca"),
    EXTERNAL_CA("external_ca"),
    ROOT("root");

    private final String apiName;

    AnchorType(String apiName) {
        this.apiName = apiName;
    }

    public String apiName() {
        return apiName;
    }

    public static Optional<AnchorType> fromApiName(String name) {
        return Arrays.stream(values()).filter(t -> t.apiName.equals(name)).findFirst();
    }
}
