package com.zeroui.kms.api;

import com.zeroui.kms.ops.AdmissionConfig;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * The admission decision: a slot among {@code maxConcurrent}, else a place among
 * {@code maxQueued} waiters for at most {@code maxQueueWait}, else refusal. Everything is
 * bounded: slots, waiters and the wait, so overload costs a refusal, never memory or a timeout.
 *
 * <p>A waiter holds no thread (ADR 0029, revised): it is parked in a FIFO and told later, exactly
 * once, either that it holds a slot (a leaving request hands its slot straight to the oldest
 * waiter, so the slot is never free in between and cannot be taken twice) or that its wait ran
 * out. Slots and queue share one lock: every decision is a few field updates under it, and the
 * slot accounting is exact by construction (free + in use == maxConcurrent at all times).
 */
final class AdmissionGate {
    /** A request that found every slot busy and the queue with room. */
    interface Waiter {
        /** It now holds a slot, handed over by a leaving request; it must {@link #leave()}. Called on the leaver's thread. */
        void admitted();

        /** Its wait ran out: it holds no slot and is counted as refused. Called on the scheduler's thread. */
        void expired();
    }

    enum Entry { ADMITTED, QUEUED, REFUSED }

    private final int maxConcurrent;
    private final int maxQueued;
    private final long maxWaitNanos;
    private final Object lock = new Object();
    private int free; // guarded by lock
    private final ArrayDeque<Ticket> queue = new ArrayDeque<>(); // guarded by lock; oldest first
    private final LongAdder rejected = new LongAdder();

    AdmissionGate(AdmissionConfig config) {
        if (!config.enabled()) {
            throw new IllegalArgumentException("admission control is off");
        }
        this.maxConcurrent = config.maxConcurrent();
        this.free = config.maxConcurrent();
        this.maxQueued = config.maxQueued();
        this.maxWaitNanos = config.maxQueueWait().toNanos();
    }

    /**
     * ADMITTED: the caller holds a slot and must {@link #leave()}. QUEUED: the waiter is parked and
     * will be told exactly once (admitted or expired); {@code scheduler} runs its expiry. REFUSED:
     * no slot, no room or no wait allowed (counted).
     */
    Entry enter(Waiter waiter, Scheduler scheduler) {
        Ticket ticket;
        synchronized (lock) {
            if (free > 0) {
                free--;
                return Entry.ADMITTED;
            }
            if (maxWaitNanos == 0 || queue.size() >= maxQueued) {
                rejected.increment();
                return Entry.REFUSED;
            }
            ticket = new Ticket(waiter);
            queue.addLast(ticket);
        }
        // if the ticket is admitted before this runs, its expiry finds it gone from the queue and does nothing
        ticket.timeout = scheduler.schedule(() -> expire(ticket), maxWaitNanos, TimeUnit.NANOSECONDS);
        if (ticket.admitted) {
            ticket.cancelTimeout();
        }
        return Entry.QUEUED;
    }

    /** Gives a slot back: to the oldest waiter if there is one, else to the free pool. */
    void leave() {
        Ticket next;
        synchronized (lock) {
            next = queue.pollFirst();
            if (next == null) {
                if (free >= maxConcurrent) {
                    throw new IllegalStateException("admission slot released twice");
                }
                free++;
                return;
            }
            next.admitted = true;
        }
        next.cancelTimeout();
        next.waiter.admitted();
    }

    /** Refuses a waiter still in the queue; one already handed a slot is not there any more, and wins. */
    private void expire(Ticket ticket) {
        synchronized (lock) {
            if (!queue.removeFirstOccurrence(ticket)) {
                return;
            }
        }
        rejected.increment();
        ticket.waiter.expired();
    }

    int maxConcurrent() {
        return maxConcurrent;
    }

    /** Requests holding a slot now. */
    long active() {
        synchronized (lock) {
            return maxConcurrent - free;
        }
    }

    /** Slots nobody holds now (with {@link #active()}, always maxConcurrent). */
    int free() {
        synchronized (lock) {
            return free;
        }
    }

    /** Requests waiting for a slot now. */
    long queued() {
        synchronized (lock) {
            return queue.size();
        }
    }

    /** Requests refused since start, at the door or when their wait ran out. */
    long rejected() {
        return rejected.sum();
    }

    /** One parked waiter; identity matters (the queue removes this very ticket on expiry). */
    private static final class Ticket {
        final Waiter waiter;
        volatile Scheduler.Task timeout;
        volatile boolean admitted;

        Ticket(Waiter waiter) {
            this.waiter = waiter;
        }

        void cancelTimeout() {
            Scheduler.Task task = timeout;
            if (task != null) {
                task.cancel();
            }
        }
    }
}
