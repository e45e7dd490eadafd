package com.zeroui.kms.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DriftTest {
    @Test
    void steadyGrowthBeyondTheThresholdIsDrift() {
        List<Double> leak = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            leak.add(400.0 + 2 * i); // +2 MiB a minute
        }
        Drift.Assessment a = Drift.assess(leak, 6, 0.10);
        assertThat(a.verdict()).isEqualTo(Drift.Verdict.DRIFT);
        assertThat(a.growth()).isGreaterThan(0.10);
    }

    @Test
    void aPlateauAfterWarmUpAndNoiseAroundALevelAreStable() {
        List<Double> plateau = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            plateau.add(i < 10 ? 200.0 + 30 * i : 500.0 + (i % 3 == 0 ? 15 : -15)); // heap grows to size, then saws
        }
        assertThat(Drift.assess(plateau, 6, 0.10).verdict()).isEqualTo(Drift.Verdict.STABLE);
    }

    @Test
    void aStepThenAPlateauIsNotDrift() {
        // the one-hour soak in BENCHMARKS.md: RSS 351 MiB for 18 minutes, then 435-439 MiB to the end
        // (G1 committing more of the heap once); a leak would keep climbing in the second half
        List<Double> rss = new ArrayList<>();
        for (int i = 0; i < 65; i++) {
            rss.add(i < 19 ? 351.0 : 435.0 + Math.min(4, i / 12));
        }
        Drift.Assessment a = Drift.assess(rss, 6, 0.10);
        assertThat(a.growth()).as("the step is visible in the growth figure").isGreaterThan(0.10);
        assertThat(a.verdict()).isEqualTo(Drift.Verdict.STABLE);
    }

    @Test
    void growthBelowTheThresholdIsStableAndAFallBreaksMonotony() {
        List<Double> slow = new ArrayList<>();
        List<Double> upThenDown = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            slow.add(100.0 + 0.1 * i);
            upThenDown.add(i < 30 ? 100.0 + 10 * i : 100.0);
        }
        assertThat(Drift.assess(slow, 0, 0.10).verdict()).isEqualTo(Drift.Verdict.STABLE);
        assertThat(Drift.assess(upThenDown, 0, 0.10).verdict()).isEqualTo(Drift.Verdict.STABLE);
    }

    @Test
    void tooFewSamplesAfterTheWarmUpGiveNoVerdictAndMissingSamplesAreIgnored() {
        assertThat(Drift.assess(List.of(1.0, 2.0, 3.0, 4.0, 5.0), 2, 0.1).verdict()).isEqualTo(Drift.Verdict.TOO_SHORT);
        assertThat(Drift.assess(List.of(1.0, Double.NaN, 2.0, Double.NaN, 3.0, 4.0), 0, 0.1).verdict())
                .isEqualTo(Drift.Verdict.DRIFT);
        assertThat(Drift.assess(List.of(5.0, Double.NaN, Double.NaN, 5.0), 0, 0.1).verdict())
                .isEqualTo(Drift.Verdict.TOO_SHORT);
    }
}
