package com.zeroui.kms.stats;

import java.util.Arrays;

/**
 * Percentiles of recorded latencies by the nearest-rank method: the p-th percentile is the
 * smallest sample with at least p% of the samples at or below it, so every reported figure is a
 * latency some request actually saw.
 */
public record LatencyStats(int count, long p50Nanos, long p99Nanos, long maxNanos) {
    public static final LatencyStats EMPTY = new LatencyStats(0, 0, 0, 0);

    /** Summarises the samples (nanoseconds); the array is sorted in place. */
    public static LatencyStats ofUnsorted(long[] samplesNanos) {
        if (samplesNanos.length == 0) {
            return EMPTY;
        }
        Arrays.sort(samplesNanos);
        return new LatencyStats(samplesNanos.length, percentile(samplesNanos, 50), percentile(samplesNanos, 99),
                samplesNanos[samplesNanos.length - 1]);
    }

    /** Nearest-rank percentile of ascending samples; {@code percent} in (0, 100]. */
    public static long percentile(long[] sortedAscending, double percent) {
        if (sortedAscending.length == 0) {
            throw new IllegalArgumentException("no samples");
        }
        if (!(percent > 0 && percent <= 100)) {
            throw new IllegalArgumentException("percent must be in (0, 100]: " + percent);
        }
        int rank = (int) Math.ceil(percent / 100.0 * sortedAscending.length);
        return sortedAscending[Math.max(rank, 1) - 1];
    }

    public double p50Millis() {
        return p50Nanos / 1e6;
    }

    public double p99Millis() {
        return p99Nanos / 1e6;
    }

    public double maxMillis() {
        return maxNanos / 1e6;
    }
}
