package com.zeroui.kms.limits;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * One token bucket per subject (a key, a caller), in this node's memory. A bucket left idle long
 * enough to refill completely is dropped; recreated, it starts full, which is the state it would
 * have reached, so dropping changes nothing. With N nodes the cluster admits up to N times the rate.
 */
public final class RateLimiter {
    private final double ratePerSecond;
    private final long burst;
    private final LongSupplier nanoTime;
    private final Cache<String, TokenBucket> buckets;

    /** @param ratePerSecond 0 disables the limit */
    public RateLimiter(double ratePerSecond, long burst, LongSupplier nanoTime) {
        this.ratePerSecond = ratePerSecond;
        this.burst = burst;
        this.nanoTime = nanoTime;
        long refillMillis = ratePerSecond > 0 ? (long) Math.ceil(burst * 1000 / ratePerSecond) : 1;
        this.buckets = Caffeine.newBuilder().maximumSize(1_000_000)
                .expireAfterAccess(Duration.ofMillis(Math.max(1000, refillMillis))).build();
    }

    public boolean enabled() {
        return ratePerSecond > 0;
    }

    public double ratePerSecond() {
        return ratePerSecond;
    }

    public long burst() {
        return burst;
    }

    /** 0 when {@code subject} may go ahead, else how many nanoseconds until it may. */
    public long tryAcquire(String subject) {
        if (!enabled()) {
            return 0;
        }
        long now = nanoTime.getAsLong();
        return buckets.get(subject, s -> new TokenBucket(ratePerSecond, burst, now)).tryTake(now);
    }
}
