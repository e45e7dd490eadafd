package com.zeroui.kms.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

    @Test
    void admitsTheBurstThenOneTokenPerIntervalAndSaysHowLongToWait() {
        RateLimiter limiter = new RateLimiter(10, 3, nanos::get); // a token every 100 ms
        for (int i = 0; i < 3; i++) {
            assertThat(limiter.tryAcquire("k")).isZero();
        }
        assertThat(limiter.tryAcquire("k")).isEqualTo(100_000_000L);
        nanos.addAndGet(40_000_000L);
        assertThat(limiter.tryAcquire("k")).isEqualTo(60_000_000L);
        nanos.addAndGet(60_000_000L);
        assertThat(limiter.tryAcquire("k")).isZero();
        assertThat(limiter.tryAcquire("k")).isEqualTo(100_000_000L);
        // other subjects have their own buckets
        assertThat(limiter.tryAcquire("other")).isZero();
    }

    @Test
    void anIdleBucketRefillsOnlyUpToItsBurst() {
        RateLimiter limiter = new RateLimiter(1000, 2, nanos::get);
        nanos.addAndGet(60_000_000_000L);
        assertThat(limiter.tryAcquire("k")).isZero();
        assertThat(limiter.tryAcquire("k")).isZero();
        assertThat(limiter.tryAcquire("k")).isPositive();
    }

    @Test
    void aZeroRateIsNoLimit() {
        RateLimiter limiter = new RateLimiter(0, 0, nanos::get);
        assertThat(limiter.enabled()).isFalse();
        for (int i = 0; i < 10_000; i++) {
            assertThat(limiter.tryAcquire("k")).isZero();
        }
    }

    @Test
    void aClockThatStepsBackDoesNotMintTokens() {
        RateLimiter limiter = new RateLimiter(1, 1, nanos::get);
        assertThat(limiter.tryAcquire("k")).isZero();
        nanos.addAndGet(-5_000_000_000L);
        assertThat(limiter.tryAcquire("k")).isPositive();
    }
}
