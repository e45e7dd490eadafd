package com.zeroui.kms.ops;

import java.time.Duration;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * A gauge value that costs a query, computed at most once per {@code maxAge}: scrapes in between
 * get the last value. Counting a million keys on every scrape (every few seconds, from every
 * Prometheus replica) would make the metrics endpoint the node's largest reader; a count that is
 * {@code maxAge} old is what a dashboard needs. One scrape refreshes; concurrent ones do not wait
 * for it but answer the previous value. A failed refresh is rethrown (the gauge omits its series)
 * and retried on the next scrape.
 */
public final class ScrapeCache<T> implements Supplier<T> {
    private final Supplier<T> source;
    private final long maxAgeNanos;
    private final LongSupplier nanoTime;
    private final ReentrantLock refreshing = new ReentrantLock();
    private volatile T value;
    private volatile long computedAt;

    public ScrapeCache(Supplier<T> source, Duration maxAge) {
        this(source, maxAge, System::nanoTime);
    }

    ScrapeCache(Supplier<T> source, Duration maxAge, LongSupplier nanoTime) {
        if (maxAge.isNegative()) {
            throw new IllegalArgumentException("maxAge must not be negative");
        }
        this.source = source;
        this.maxAgeNanos = maxAge.toNanos();
        this.nanoTime = nanoTime;
    }

    @Override
    public T get() {
        T current = value;
        if (current != null && nanoTime.getAsLong() - computedAt < maxAgeNanos) {
            return current;
        }
        if (current != null && !refreshing.tryLock()) {
            return current; // another scrape is refreshing: the previous value is good enough
        }
        if (current == null) {
            refreshing.lock(); // nothing to answer yet: wait for the first computation
        }
        try {
            if (value != null && value != current) {
                return value; // refreshed while this thread waited
            }
            T fresh = source.get();
            value = fresh;
            computedAt = nanoTime.getAsLong();
            return fresh;
        } finally {
            refreshing.unlock();
        }
    }
}
