package com.zeroui.kms.bench;

import java.util.Locale;

/** Number formatting for the report: fixed locale so the table reads the same everywhere. */
final class Format {
    private Format() {
    }

    /** Whole numbers without decimals, others with one. */
    static String number(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15
                ? String.format(Locale.ROOT, "%d", (long) value)
                : String.format(Locale.ROOT, "%.1f", value);
    }

    /** Throughput: one decimal below 100/s (keygen rates), whole numbers above. */
    static String rate(double opsPerSecond) {
        return opsPerSecond < 100 ? String.format(Locale.ROOT, "%.1f", opsPerSecond)
                : String.format(Locale.ROOT, "%.0f", opsPerSecond);
    }

    static String millis(double millis) {
        return millis < 10 ? String.format(Locale.ROOT, "%.2f", millis) : String.format(Locale.ROOT, "%.1f", millis);
    }

    static String ratio(double ratio) {
        return String.format(Locale.ROOT, "%.3f", ratio);
    }
}
