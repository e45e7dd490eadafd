package com.zeroui.kms.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class LatencyStatsTest {
    @Test
    void nearestRankPercentilesOfOneToHundred() {
        long[] samples = LongStream.rangeClosed(1, 100).toArray();
        assertThat(LatencyStats.percentile(samples, 50)).isEqualTo(50);
        assertThat(LatencyStats.percentile(samples, 99)).isEqualTo(99);
        assertThat(LatencyStats.percentile(samples, 100)).isEqualTo(100);
        assertThat(LatencyStats.percentile(samples, 0.5)).isEqualTo(1);
    }

    @Test
    void percentileIsAlwaysAnObservedSample() {
        long[] samples = {10, 20, 30};
        // rank ceil(0.5 * 3) = 2, ceil(0.99 * 3) = 3: no interpolation between samples
        assertThat(LatencyStats.percentile(samples, 50)).isEqualTo(20);
        assertThat(LatencyStats.percentile(samples, 99)).isEqualTo(30);
    }

    @Test
    void p99OfAThousandSamplesIgnoresOnlyTheTenSlowest() {
        long[] samples = LongStream.rangeClosed(1, 1000).toArray();
        assertThat(LatencyStats.percentile(samples, 99)).isEqualTo(990);
    }

    @Test
    void summarisesUnsortedNanosecondSamples() {
        long[] samples = {5_000_000, 1_000_000, 3_000_000, 2_000_000, 4_000_000};
        LatencyStats stats = LatencyStats.ofUnsorted(samples);
        assertThat(stats.count()).isEqualTo(5);
        assertThat(stats.p50Millis()).isEqualTo(3.0);
        assertThat(stats.p99Millis()).isEqualTo(5.0);
        assertThat(stats.maxMillis()).isEqualTo(5.0);
    }

    @Test
    void singleSampleIsEveryPercentile() {
        LatencyStats stats = LatencyStats.ofUnsorted(new long[] {7});
        assertThat(stats).isEqualTo(new LatencyStats(1, 7, 7, 7));
    }

    @Test
    void noSamplesSummariseToEmpty() {
        assertThat(LatencyStats.ofUnsorted(new long[0])).isEqualTo(LatencyStats.EMPTY);
        assertThatThrownBy(() -> LatencyStats.percentile(new long[0], 50)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rejectsPercentOutsideZeroToHundred() {
        long[] samples = {1, 2};
        assertThatThrownBy(() -> LatencyStats.percentile(samples, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LatencyStats.percentile(samples, 100.1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LatencyStats.percentile(samples, Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    }
}
