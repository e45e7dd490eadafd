package com.zeroui.kms.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zeroui.kms.stats.LatencyStats;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LoadRunnerTest {
    private static final Duration WINDOW = Duration.ofMillis(200);

    @Test
    void everyCountedOperationHasALatencySample() throws InterruptedException {
        LoadRunner.Result result = LoadRunner.run("t", 3, Duration.ofMillis(50), WINDOW, true,
                () -> () -> Thread.sleep(1));
        assertThat(result.threads()).isEqualTo(3);
        assertThat(result.errors()).isZero();
        assertThat(result.completed()).isPositive();
        assertThat(result.latency().count()).isEqualTo(result.completed());
        assertThat(result.latency().p50Nanos()).isGreaterThanOrEqualTo(1_000_000L); // each op slept at least 1 ms
        assertThat(result.opsPerSecond()).isEqualTo(result.completed() / 0.2);
    }

    @Test
    void eachThreadGetsItsOwnOperation() throws InterruptedException {
        Set<String> threadsSeen = ConcurrentHashMap.newKeySet();
        AtomicInteger created = new AtomicInteger();
        LoadRunner.Result result = LoadRunner.run("t", 4, Duration.ZERO, WINDOW, false, () -> {
            created.incrementAndGet();
            Set<String> mine = ConcurrentHashMap.newKeySet();
            return () -> {
                mine.add(Thread.currentThread().getName());
                assertThat(mine).hasSize(1); // an operation never runs on two threads
                threadsSeen.add(Thread.currentThread().getName());
                Thread.sleep(1);
            };
        });
        assertThat(result.errors()).as(result.firstError()).isZero();
        assertThat(created.get()).isEqualTo(4);
        assertThat(threadsSeen).hasSize(4);
    }

    @Test
    void failuresAreCountedNotTimedAndTheFirstIsKept() throws InterruptedException {
        LoadRunner.Result result = LoadRunner.run("t", 2, Duration.ZERO, WINDOW, true, () -> () -> {
            Thread.sleep(1);
            throw new java.io.IOException("POST /sign answered 503");
        });
        assertThat(result.completed()).isZero();
        assertThat(result.latency()).isEqualTo(LatencyStats.EMPTY);
        assertThat(result.errors()).isPositive();
        assertThat(result.firstError()).isEqualTo("IOException: POST /sign answered 503");
    }

    @Test
    void withoutLatencyRecordingOnlyCounts() throws InterruptedException {
        LoadRunner.Result result = LoadRunner.run("t", 1, Duration.ZERO, WINDOW, false, () -> () -> Thread.sleep(1));
        assertThat(result.completed()).isPositive();
        assertThat(result.latency()).isEqualTo(LatencyStats.EMPTY);
    }

    @Test
    void rejectsNonsenseArguments() {
        assertThatThrownBy(() -> LoadRunner.run("t", 0, Duration.ZERO, WINDOW, false, () -> () -> { }))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LoadRunner.run("t", 1, Duration.ZERO, Duration.ZERO, false, () -> () -> { }))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LoadRunner.run("t", 1, Duration.ofMillis(-1), WINDOW, false, () -> () -> { }))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aProbeThatNeverSettlesExtendsTheWarmupOnlyBoundedlyAndTheRunStillMeasures() throws InterruptedException {
        AtomicInteger asked = new AtomicInteger();
        LoadRunner.WindowProbe unsettled = new LoadRunner.WindowProbe() {
            @Override
            public double read() {
                return 1.0;
            }

            @Override
            public boolean settled() {
                asked.incrementAndGet();
                return false;
            }
        };
        LoadRunner.Result result = LoadRunner.run("t", 2, Duration.ofMillis(100), WINDOW, true, () -> () -> Thread.sleep(1),
                unsettled);
        assertThat(asked.get()).as("consulted after the warm-up").isGreaterThanOrEqualTo(1);
        assertThat(result.completed()).isPositive();
        assertThat(result.probeDelta()).isZero();
        assertThat(result.localCpuSeconds()).as("this process's CPU over the window").isNotNegative();
    }

    @Test
    void withoutAWarmupTheProbeIsNeverAskedWhetherItSettled() throws InterruptedException {
        AtomicInteger asked = new AtomicInteger();
        LoadRunner.WindowProbe probe = new LoadRunner.WindowProbe() {
            @Override
            public double read() {
                return 0;
            }

            @Override
            public boolean settled() {
                asked.incrementAndGet();
                return false;
            }
        };
        LoadRunner.Result result = LoadRunner.run("t", 1, Duration.ZERO, WINDOW, false, () -> () -> Thread.sleep(1), probe);
        assertThat(asked.get()).isZero();
        assertThat(result.completed()).isPositive();
    }
}
