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
     * Slots per processor the JVM may use (cgroup limits included). On the 2-core reference node
     * throughput stops rising at about 16 requests in flight (8 per core: the CPU-bound part of a
     * request overlaps with its wait for the group-committed receipt's fsync); every request beyond
     * that only queues for the CPU, so with 64 slots 80 clients were all admitted and their p99 was
     * 62–173 ms, several times the budgets (ADR 0040).
     */
    public static final int SLOTS_PER_PROCESSOR = 8;
    /**
     * Half the tightest latency budget (verify p99 &lt; 10 ms): a request that waited this long still
     * has the other half for its handling. At capacity a slot frees every (service time ÷ slots),
     * so a queue as long as the slots drains in about one service time, i.e. within this wait.
     */
    public static final Duration DEFAULT_QUEUE_WAIT = Duration.ofMillis(5);
    /** What {@code --max-concurrent-requests} and {@code --max-queued-requests} accept for the derived value. */
    public static final String AUTO = "auto";

    /** The defaults for the processors this JVM may use ({@link #forProcessors(int)}). */
    public static AdmissionConfig defaults() {
        return forProcessors(Runtime.getRuntime().availableProcessors());
    }

    /**
     * The default rule (ADR 0040): {@value #SLOTS_PER_PROCESSOR} slots per processor (at least
     * {@value #MIN_SLOTS}), a queue as long as the slots, and a wait of {@link #DEFAULT_QUEUE_WAIT}.
     * 16 slots, 16 waiters, 5 ms on one or two cores; 64, 64, 5 ms on eight.
     */
    public static AdmissionConfig forProcessors(int processors) {
        int slots = slotsFor(processors);
        return new AdmissionConfig(slots, slots, DEFAULT_QUEUE_WAIT);
    }

    /**
     * Never fewer slots than this, whatever the processor count: a request's wait for its receipt's
     * fsync does not shrink with the cores, and group commit needs a batch in flight (16 is also the
     * concurrency at which issue 12's capacity was measured). A one-processor container gets 16, not 8.
     */
    public static final int MIN_SLOTS = 16;

    /** {@value #SLOTS_PER_PROCESSOR} per processor, at least {@value #MIN_SLOTS}. */
    public static int slotsFor(int processors) {
        return Math.max(MIN_SLOTS, SLOTS_PER_PROCESSOR * processors);
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
