package com.zeroui.kms.api;

import com.zeroui.kms.ops.AdmissionConfig;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The admission decision: a slot among {@code maxConcurrent}, else a place among
 * {@code maxQueued} waiters for at most {@code maxQueueWait}, else refusal. Everything is
 * bounded: slots, waiters, and how long a waiter holds its thread, so overload costs a refusal,
 * never memory or a timeout.
 */
final class AdmissionGate {
    private final Semaphore slots;
    private final int maxConcurrent;
    private final int maxQueued;
    private final long maxWaitNanos;
    private final AtomicInteger waiting = new AtomicInteger();
    private final LongAdder rejected = new LongAdder();

    AdmissionGate(AdmissionConfig config) {
        if (!config.enabled()) {
            throw new IllegalArgumentException("admission control is off");
        }
        this.maxConcurrent = config.maxConcurrent();
        this.slots = new Semaphore(config.maxConcurrent());
        this.maxQueued = config.maxQueued();
        this.maxWaitNanos = config.maxQueueWait().toNanos();
    }

    /** True with a slot the caller must {@link #leave()}; false when refused (counted). */
    boolean enter() {
        if (slots.tryAcquire()) {
            return true;
        }
        if (waiting.incrementAndGet() > maxQueued) {
            waiting.decrementAndGet();
            rejected.increment();
            return false;
        }
        try {
            if (maxWaitNanos > 0 && slots.tryAcquire(maxWaitNanos, TimeUnit.NANOSECONDS)) {
                return true;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            waiting.decrementAndGet();
        }
        rejected.increment();
        return false;
    }

    void leave() {
        slots.release();
    }

    int maxConcurrent() {
        return maxConcurrent;
    }

    /** Requests holding a slot now. */
    long active() {
        return maxConcurrent - slots.availablePermits();
    }

    /** Requests waiting for a slot now. */
    long queued() {
        return waiting.get();
    }

    /** Requests refused since start. */
    long rejected() {
        return rejected.sum();
    }
}
