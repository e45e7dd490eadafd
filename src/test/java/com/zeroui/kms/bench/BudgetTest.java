package com.zeroui.kms.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BudgetTest {
    private final Budget sign = Budget.latencyAndThroughput(50, 1000);

    @Test
    void passesInsideBothLimits() {
        assertThat(sign.verdict(1500, 12.5)).isEqualTo("pass");
    }

    @Test
    void latencyCeilingIsStrictAndThroughputFloorInclusive() {
        assertThat(sign.verdict(1000, 49.99)).isEqualTo("pass");
        assertThat(sign.verdict(1000, 50)).isEqualTo("FAIL (p99 50.0 ms)");
    }

    @Test
    void namesEveryMissedLimit() {
        assertThat(sign.verdict(999.4, 75.25)).isEqualTo("FAIL (p99 75.3 ms, 999.4/s)");
    }

    @Test
    void latencyOnlyBudgetIgnoresThroughput() {
        assertThat(Budget.latency(20).verdict(1, 19.9)).isEqualTo("pass");
        assertThat(Budget.latency(20).describe()).isEqualTo("p99 < 20 ms");
    }

    @Test
    void noBudgetIsNotApplicable() {
        assertThat(Budget.NONE.verdict(0, 1e9)).isEqualTo("n/a");
        assertThat(Budget.NONE.describe()).isEqualTo("none in spec");
    }

    @Test
    void describesBothLimits() {
        assertThat(sign.describe()).isEqualTo("p99 < 50 ms, >= 1000/s");
    }
}
