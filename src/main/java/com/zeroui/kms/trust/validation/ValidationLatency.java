package com.zeroui.kms.trust.validation;

import com.zeroui.kms.stats.LatencyStats;

/**
 * In-process latency of {@link ChainValidator#validate} for one request, measured without JMH: a
 * warm-up (JIT, CRL cache fill), then {@code iterations} timed calls, summarised as nearest-rank
 * percentiles. For benchmarks and the bench command; tests call it but never assert on times.
 */
public final class ValidationLatency {
    private ValidationLatency() {
    }

    /** The result of the measured runs plus the outcome they produced (the same every time). */
    public record Measurement(LatencyStats latency, ReasonCode reason) {
    }

    public static Measurement measure(ChainValidator validator, ValidationRequest request, int warmup, int iterations) {
        if (warmup < 0 || iterations < 1) {
            throw new IllegalArgumentException("warmup must be >= 0 and iterations >= 1: " + warmup + ", " + iterations);
        }
        ReasonCode reason = null;
        for (int i = 0; i < warmup; i++) {
            reason = validator.validate(request).reason();
        }
        long[] samples = new long[iterations];
        for (int i = 0; i < iterations; i++) {
            long start = System.nanoTime();
            ValidationResult result = validator.validate(request);
            samples[i] = System.nanoTime() - start;
            if (reason != null && result.reason() != reason) {
                throw new IllegalStateException("validation outcome changed during measurement: " + reason + " then "
                        + result.reason());
            }
            reason = result.reason();
        }
        return new Measurement(LatencyStats.ofUnsorted(samples), reason);
    }
}
