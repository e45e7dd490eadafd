package com.zeroui.kms.app;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.function.Supplier;

/** A value of the effective configuration read when it is shown, not when the node started. */
record CurrentValue(Supplier<String> source) {
    @JsonValue
    String value() {
        return source.get();
    }

    @Override
    public String toString() {
        return value();
    }
}
