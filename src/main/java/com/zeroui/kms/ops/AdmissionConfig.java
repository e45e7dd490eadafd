package com.zeroui.kms.ops;

import java.time.Duration;
import java.util.List;

/**
 * Admission control in front of the API's handlers: at most {@code maxConcurrent} requests are
 * handled at once; up to {@code maxQueued} more wait at most {@code maxQueueWait} for a slot;
 * anything beyond gets an immediate 503 with Retry-After (docs/performance.md). Health and
 * metrics are never queued or refused, so an overloaded node stays observable.
 *
 * @param maxConcurrent requests handled at once; 0 turns admission control off
 * @param maxQueued     requests that may wait for a slot; 0 refuses as soon as all slots are busy
 * @param maxQueueWait  how long a queued request waits before it is refused
 */
public record AdmissionConfig(int maxConcurrent, int maxQueued, Duration maxQueueWait) {

    /**
     * 64 in flight: on the reference 2-core node throughput stops rising at about 16 concurrent
     * requests and every further one only adds latency, but receipts are group-committed and a
     * larger batch is cheaper per request, so some headroom pays. A queue of 32 absorbs bursts
     * (a waiter is parked without a thread, so the queue costs memory only: one small entry
     * each); 50 ms of waiting keeps an admitted request inside the 50 ms signing budget's order
     * of magnitude. The HTTP thread pool is sized from the slots (ADR 0029, revised).
     */
    public static AdmissionConfig defaults() {
        return new AdmissionConfig(64, 32, Duration.ofMillis(50));
    }

    public static AdmissionConfig off() {
        return new AdmissionConfig(0, 0, Duration.ZERO);
    }

    public boolean enabled() {
        return maxConcurrent > 0;
    }

    void validate(List<String> problems) {
        if (maxConcurrent < 0 || maxConcurrent > 100_000) {
            problems.add("max concurrent requests " + maxConcurrent + " is outside 0 (admission control off)..100000");
        }
        if (maxQueued < 0 || maxQueued > 1_000_000) {
            problems.add("max queued requests " + maxQueued + " is outside 0..1000000");
        }
        if (maxQueueWait == null || maxQueueWait.isNegative() || maxQueueWait.compareTo(Duration.ofSeconds(60)) > 0) {
            problems.add("max queue wait " + maxQueueWait + " is outside PT0S..PT60S");
        }
    }
}
