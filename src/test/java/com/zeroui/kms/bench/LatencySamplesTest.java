package com.zeroui.kms.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LatencySamplesTest {
    @Test
    void mergesPerThreadSamplesBeyondTheInitialCapacity() {
        LatencySamples a = new LatencySamples();
        LatencySamples b = new LatencySamples();
        for (int i = 0; i < 10_000; i++) {
            a.add(i);
        }
        b.add(-1);
        long[] merged = LatencySamples.merge(java.util.List.of(a, b));
        assertThat(merged).hasSize(10_001);
        assertThat(merged[9_999]).isEqualTo(9_999);
        assertThat(merged[10_000]).isEqualTo(-1);
    }
}
