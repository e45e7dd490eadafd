package com.zeroui.kms.limits;

/**
 * A token bucket: holds at most {@code burst} tokens, refilled continuously at {@code ratePerSecond};
 * each admitted request takes one. Time is a monotonic nanosecond reading supplied by the caller.
 */
final class TokenBucket {
    private final double tokensPerNano;
    private final double capacity;
    private double tokens;
    private long last;

    TokenBucket(double ratePerSecond, long burst, long nowNanos) {
        this.tokensPerNano = ratePerSecond / 1e9;
        this.capacity = burst;
        this.tokens = burst;
        this.last = nowNanos;
    }

    /** Takes one token: 0 when admitted, else the nanoseconds until one will be available. */
    synchronized long tryTake(long nowNanos) {
        if (nowNanos > last) {
            tokens = Math.min(capacity, tokens + (nowNanos - last) * tokensPerNano);
            last = nowNanos;
        }
        if (tokens >= 1) {
            tokens -= 1;
            return 0;
        }
        return Math.max(1, (long) Math.ceil((1 - tokens) / tokensPerNano));
    }
}
