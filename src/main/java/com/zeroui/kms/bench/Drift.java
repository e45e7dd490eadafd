package com.zeroui.kms.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Drift check for a soak: does a resource figure keep growing? The samples after the warm-up are
 * cut into four quarters; the series drifts when the quarters' medians never fall (monotonic
 * growth, robust to the saw of a GC cycle), the last quarter's median exceeds the first's by more
 * than the threshold, and the growth goes on in the second half (the last quarter exceeds the
 * second by more than half the threshold). A plateau after start-up, a step followed by a plateau
 * (the JVM committing another slice of its heap once) or noise around a level is not drift.
 */
public final class Drift {
    /** Fewer samples than this after the warm-up: no verdict. */
    public static final int MIN_SAMPLES = 4;

    public enum Verdict { STABLE, DRIFT, TOO_SHORT }

    /** The verdict with the medians it was based on (growth as a fraction, NaN when too short). */
    public record Assessment(Verdict verdict, double firstQuarterMedian, double lastQuarterMedian, double growth) {
        public String describe(String what) {
            if (verdict == Verdict.TOO_SHORT) {
                return what + ": too few intervals for a verdict (need " + MIN_SAMPLES + " after the warm-up)";
            }
            return String.format(Locale.ROOT, "%s: %s (median first quarter %s, last quarter %s, %+.1f%%)", what,
                    verdict, Format.number(Math.round(firstQuarterMedian * 10) / 10.0),
                    Format.number(Math.round(lastQuarterMedian * 10) / 10.0), growth * 100);
        }
    }

    private Drift() {
    }

    /**
     * @param samples        one value per interval, in order; NaN (unavailable) samples are ignored
     * @param warmupSamples  leading samples left out (heap and code cache still growing to size)
     * @param threshold      growth of the last quarter over the first that counts as drift (0.1 = 10%)
     */
    public static Assessment assess(List<Double> samples, int warmupSamples, double threshold) {
        double[] kept = samples.stream().skip(Math.max(0, warmupSamples)).mapToDouble(Double::doubleValue)
                .filter(v -> !Double.isNaN(v)).toArray();
        if (kept.length < MIN_SAMPLES) {
            return new Assessment(Verdict.TOO_SHORT, Double.NaN, Double.NaN, Double.NaN);
        }
        double[] medians = new double[4];
        for (int q = 0; q < 4; q++) {
            int from = q * kept.length / 4;
            int to = (q + 1) * kept.length / 4;
            medians[q] = median(Arrays.copyOfRange(kept, from, to));
        }
        boolean neverFalls = medians[1] >= medians[0] && medians[2] >= medians[1] && medians[3] >= medians[2];
        double growth = medians[0] == 0 ? (medians[3] > 0 ? Double.POSITIVE_INFINITY : 0) : medians[3] / medians[0] - 1;
        boolean stillGrowing = medians[1] == 0 ? medians[3] > 0 : medians[3] / medians[1] - 1 > threshold / 2;
        Verdict verdict = neverFalls && growth > threshold && stillGrowing ? Verdict.DRIFT : Verdict.STABLE;
        return new Assessment(verdict, medians[0], medians[3], growth);
    }

    private static double median(double[] values) {
        Arrays.sort(values);
        int mid = values.length / 2;
        return values.length % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
    }
}
