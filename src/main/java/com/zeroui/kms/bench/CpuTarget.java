package com.zeroui.kms.bench;

import java.util.Locale;

/**
 * Issue 12's ceilings on server CPU per request: absolute, over the raw primitive's CPU, or a
 * multiple of it. {@link #NONE} where the issue sets none.
 */
public record CpuTarget(Kind kind, double value) {
    public enum Kind { NONE, AT_MOST, RAW_PLUS, RAW_TIMES }

    public static final CpuTarget NONE = new CpuTarget(Kind.NONE, 0);

    public static CpuTarget atMost(double micros) {
        return new CpuTarget(Kind.AT_MOST, micros);
    }

    public static CpuTarget rawPlus(double micros) {
        return new CpuTarget(Kind.RAW_PLUS, micros);
    }

    public static CpuTarget rawTimes(double factor) {
        return new CpuTarget(Kind.RAW_TIMES, factor);
    }

    /** The ceiling in µs given the raw CPU per call (NaN when it depends on a raw figure that is missing). */
    public double ceiling(double rawMicros) {
        return switch (kind) {
            case NONE -> Double.NaN;
            case AT_MOST -> value;
            case RAW_PLUS -> rawMicros + value;
            case RAW_TIMES -> rawMicros * value;
        };
    }

    /** Issue 12 target 1 for a benchmarked operation. */
    public static CpuTarget forOperation(String operation) {
        return switch (operation) {
            case BenchOperations.SIGN_EDDSA -> atMost(100);
            case BenchOperations.VERIFY_EDDSA -> rawPlus(60);
            case BenchOperations.SIGN_RS256 -> rawTimes(1.2);
            case BenchOperations.ENCRYPT, BenchOperations.DECRYPT -> atMost(60);
            case BenchOperations.GET_KEY -> atMost(40);
            case BenchOperations.HEALTH -> atMost(50);
            default -> NONE;
        };
    }

    public String describe() {
        return switch (kind) {
            case NONE -> "none";
            case AT_MOST -> String.format(Locale.ROOT, "<= %.0f µs", value);
            case RAW_PLUS -> String.format(Locale.ROOT, "<= raw + %.0f µs", value);
            case RAW_TIMES -> String.format(Locale.ROOT, "<= %.1f x raw", value);
        };
    }

    public String verdict(double serverMicros, double rawMicros) {
        if (kind == Kind.NONE) {
            return "n/a";
        }
        double ceiling = ceiling(rawMicros);
        if (Double.isNaN(ceiling) || Double.isNaN(serverMicros)) {
            return "n/a";
        }
        return serverMicros <= ceiling ? "met" : String.format(Locale.ROOT, "MISSED by %.0f µs", serverMicros - ceiling);
    }
}
