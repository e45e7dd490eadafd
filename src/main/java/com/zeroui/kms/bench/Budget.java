package com.zeroui.kms.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * A spec budget for one operation: a latency ceiling (judged on p99, the stricter of the reported
 * percentiles) and/or a throughput floor. {@link #NONE} for operations the spec gives no figure.
 */
public record Budget(Double maxLatencyMillis, Double minOpsPerSecond) {
    public static final Budget NONE = new Budget(null, null);

    public static Budget latency(double maxMillis) {
        return new Budget(maxMillis, null);
    }

    public static Budget latencyAndThroughput(double maxMillis, double minOpsPerSecond) {
        return new Budget(maxMillis, minOpsPerSecond);
    }

    public boolean isNone() {
        return maxLatencyMillis == null && minOpsPerSecond == null;
    }

    /** E.g. "p99 < 50 ms, >= 1000/s". */
    public String describe() {
        List<String> parts = new ArrayList<>();
        if (maxLatencyMillis != null) {
            parts.add("p99 < " + Format.number(maxLatencyMillis) + " ms");
        }
        if (minOpsPerSecond != null) {
            parts.add(">= " + Format.number(minOpsPerSecond) + "/s");
        }
        return parts.isEmpty() ? "none in spec" : String.join(", ", parts);
    }

    /** The verdict for measured figures: "pass", "FAIL (reasons)" or "n/a". */
    public String verdict(double opsPerSecond, double p99Millis) {
        if (isNone()) {
            return "n/a";
        }
        List<String> misses = new ArrayList<>();
        if (maxLatencyMillis != null && !(p99Millis < maxLatencyMillis)) {
            misses.add("p99 " + Format.millis(p99Millis) + " ms");
        }
        if (minOpsPerSecond != null && !(opsPerSecond >= minOpsPerSecond)) {
            misses.add(Format.number(opsPerSecond) + "/s");
        }
        return misses.isEmpty() ? "pass" : "FAIL (" + String.join(", ", misses) + ")";
    }
}
