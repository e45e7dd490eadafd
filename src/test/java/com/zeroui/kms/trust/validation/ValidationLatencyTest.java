package com.zeroui.kms.trust.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The measurement method runs the benchmark scenario; no assertion on times (the machine is shared). */
class ValidationLatencyTest {

    @Test
    void measuresTheBenchmarkScenario() {
        ValidationLatency.Measurement m = ValidationLatency.measure(new ChainValidator(),
                ChainValidationBenchmark.scenario(10_000), 5, 20);
        assertThat(m.reason()).isEqualTo(ReasonCode.OK);
        assertThat(m.latency().count()).isEqualTo(20);
        assertThat(m.latency().p50Nanos()).isPositive().isLessThanOrEqualTo(m.latency().p99Nanos());
    }

    @Test
    void refusesNonsenseCounts() {
        assertThatThrownBy(() -> ValidationLatency.measure(new ChainValidator(), ChainValidationBenchmark.scenario(1), 0, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
