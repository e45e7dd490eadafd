package com.zeroui.kms.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Issue 12's per-request CPU ceilings: absolute, over raw, or a multiple of raw. */
class CpuTargetTest {
    @Test
    void eachKindOfCeilingJudgesAgainstTheRawFigure() {
        assertThat(CpuTarget.forOperation(BenchOperations.SIGN_EDDSA).verdict(99, 30)).isEqualTo("met");
        assertThat(CpuTarget.forOperation(BenchOperations.SIGN_EDDSA).verdict(130, 30)).isEqualTo("MISSED by 30 µs");
        assertThat(CpuTarget.forOperation(BenchOperations.VERIFY_EDDSA).verdict(100, 45)).isEqualTo("met");
        assertThat(CpuTarget.forOperation(BenchOperations.VERIFY_EDDSA).verdict(115, 45)).isEqualTo("MISSED by 10 µs");
        assertThat(CpuTarget.forOperation(BenchOperations.SIGN_RS256).verdict(480, 400)).isEqualTo("met");
        assertThat(CpuTarget.forOperation(BenchOperations.SIGN_RS256).verdict(500, 400)).isEqualTo("MISSED by 20 µs");
        assertThat(CpuTarget.forOperation(BenchOperations.HEALTH).verdict(50, Double.NaN)).isEqualTo("met");
        assertThat(CpuTarget.forOperation(BenchOperations.VERIFY_EDDSA).verdict(100, Double.NaN)).as("no raw run").isEqualTo("n/a");
        assertThat(CpuTarget.forOperation(BenchOperations.VERIFY_RS256).verdict(100, 20)).isEqualTo("n/a");
    }
}
