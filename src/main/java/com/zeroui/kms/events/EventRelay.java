package com.zeroui.kms.events;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the outbox to one sink, at least once and in sequence order (so in order per key).
 * The cursor lives in the database; a lease makes one node at a time the deliverer of a sink, so
 * several nodes never interleave batches and reorder a key's events. Failures are retried with
 * exponential backoff (100 ms doubling to 30 s); nothing is skipped.
 */
public final class EventRelay implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EventRelay.class);
    static final int BATCH = 256;
    static final Duration IDLE_POLL = Duration.ofMillis(100);
    static final Duration LEASE = Duration.ofSeconds(15);
    private static final long FIRST_BACKOFF_MS = 100;
    private static final long MAX_BACKOFF_MS = 30_000;

    private final EventOutbox outbox;
    private final EventSink sink;
    private final String nodeId;
    private final Clock clock;
    private final Duration lagThreshold;
    private final Thread thread;
    private final AtomicLong deliveredEvents = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private volatile boolean running = true;
    private volatile String lastError;
    private volatile boolean leaseHeld;
    /** Relay thread: the cursor as of our last read or advance; -1 when it must be re-read. */
    private long cursor = -1;
    private Instant renewLeaseAt = Instant.MIN;

    public EventRelay(EventOutbox outbox, EventSink sink, String nodeId, Clock clock, Duration lagThreshold) {
        this.outbox = outbox;
        this.sink = sink;
        this.nodeId = nodeId;
        this.clock = clock;
        this.lagThreshold = lagThreshold;
        this.thread = new Thread(this::run, "kms-event-sink-" + sink.name());
        this.thread.setDaemon(true);
        this.thread.start();
    }

    private void run() {
        long backoff = FIRST_BACKOFF_MS;
        while (running) {
            try {
                Instant now = clock.instant();
                if (!now.isBefore(renewLeaseAt)) {
                    leaseHeld = outbox.acquireLease(sink.name(), nodeId, now, now.plus(LEASE));
                    if (!leaseHeld) {
                        cursor = -1;
                        sleep(LEASE.toMillis() / 3); // another node delivers; take over if its lease lapses
                        continue;
                    }
                    renewLeaseAt = now.plus(LEASE.dividedBy(3));
                }
                if (cursor < 0) {
                    cursor = outbox.sinkCursor(sink.name());
                }
                List<EventOutbox.StoredEvent> batch = outbox.after(cursor, null, BATCH);
                if (batch.isEmpty()) {
                    lastError = null;
                    sleep(IDLE_POLL.toMillis());
                    continue;
                }
                sink.deliver(batch);
                long next = batch.get(batch.size() - 1).seq();
                if (outbox.advanceSinkCursor(sink.name(), cursor, next)) {
                    deliveredEvents.addAndGet(batch.size());
                    cursor = next;
                } else {
                    cursor = -1; // another node moved it (our lease lapsed): re-read, maybe deliver duplicates
                }
                lastError = null;
                backoff = FIRST_BACKOFF_MS;
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                failures.incrementAndGet();
                cursor = -1;
                renewLeaseAt = Instant.MIN;
                lastError = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                LOG.warn("event sink {}: delivery failed, retrying in {} ms: {}", sink.name(), backoff, lastError);
                if (!sleep(backoff)) {
                    return;
                }
                backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
            }
        }
    }

    private boolean sleep(long millis) {
        try {
            Thread.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            return false;
        }
    }

    public String sinkName() {
        return sink.name();
    }

    /** Events in the outbox this sink has not acknowledged. */
    public long depth() {
        return Math.max(0, outbox.lastSeq() - outbox.sinkCursor(sink.name()));
    }

    /** Age of the oldest event this sink has not acknowledged; zero when it is caught up. */
    public Duration lag() {
        return outbox.timestampAfter(outbox.sinkCursor(sink.name()))
                .map(ts -> Duration.between(ts, clock.instant()))
                .filter(d -> !d.isNegative())
                .orElse(Duration.ZERO);
    }

    public long deliveredEvents() {
        return deliveredEvents.get();
    }

    public long failures() {
        return failures.get();
    }

    /** Health (non-critical): degraded while deliveries fail or the backlog is older than the threshold. */
    public void check() {
        String error = lastError;
        Duration lag = lag();
        if (error != null) {
            throw new IllegalStateException("event sink " + sink.name() + " is failing (" + depth()
                    + " events waiting, oldest " + lag.toSeconds() + " s): " + error);
        }
        if (lag.compareTo(lagThreshold) > 0) {
            throw new IllegalStateException("event sink " + sink.name() + " lags: oldest undelivered event is "
                    + lag.toSeconds() + " s old (threshold " + lagThreshold.toSeconds() + " s), " + depth() + " waiting"
                    + (leaseHeld ? "" : "; another node holds the delivery lease"));
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sink.close();
    }
}
