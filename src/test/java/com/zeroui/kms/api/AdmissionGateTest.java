package com.zeroui.kms.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zeroui.kms.ops.AdmissionConfig;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class AdmissionGateTest {
    @Test
    void admitsUpToTheSlotsThenRefusesWithoutAQueueAndCountsRefusals() {
        AdmissionGate gate = new AdmissionGate(new AdmissionConfig(2, 0, Duration.ZERO));
        assertThat(gate.enter()).isTrue();
        assertThat(gate.enter()).isTrue();
        assertThat(gate.active()).isEqualTo(2);
        assertThat(gate.enter()).isFalse();
        assertThat(gate.rejected()).isEqualTo(1);
        gate.leave();
        assertThat(gate.enter()).as("a freed slot is reused").isTrue();
        assertThat(gate.rejected()).isEqualTo(1);
    }

    @Test
    void aWaiterGetsTheFreedSlotAndTheQueueIsBounded() throws Exception {
        AdmissionGate gate = new AdmissionGate(new AdmissionConfig(1, 1, Duration.ofSeconds(60)));
        assertThat(gate.enter()).isTrue();
        CompletableFuture<Boolean> waiter = CompletableFuture.supplyAsync(gate::enter);
        while (gate.queued() < 1) {
            Thread.onSpinWait();
        }
        assertThat(gate.enter()).as("the queue holds one").isFalse();
        assertThat(waiter).isNotDone();
        gate.leave();
        assertThat(waiter.get(60, TimeUnit.SECONDS)).isTrue();
        assertThat(gate.queued()).isZero();
        assertThat(gate.active()).isEqualTo(1);
        assertThat(gate.rejected()).isEqualTo(1);
    }

    @Test
    void aWaiterIsRefusedWhenItsWaitRunsOut() {
        AdmissionGate gate = new AdmissionGate(new AdmissionConfig(1, 5, Duration.ofMillis(1)));
        assertThat(gate.enter()).isTrue();
        assertThat(gate.enter()).isFalse();
        assertThat(gate.queued()).isZero();
        assertThat(gate.rejected()).isEqualTo(1);
    }

    @Test
    void offIsNotAGate() {
        assertThatThrownBy(() -> new AdmissionGate(AdmissionConfig.off())).isInstanceOf(IllegalArgumentException.class);
    }
}
