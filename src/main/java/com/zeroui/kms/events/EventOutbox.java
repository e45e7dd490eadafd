package com.zeroui.kms.events;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The durable outbox of events. Writers add events inside the transaction of the state change
 * they describe (the store does that); this interface is the reading side: the pull feed and the
 * sinks' delivery cursors. Sequence numbers are gap-free and in commit order.
 */
public interface EventOutbox {

    /** An event as stored: its sequence number and its envelope as canonical JSON. */
    record StoredEvent(long seq, String eventId, EventType type, String tenantId, String orderingKey, Instant ts,
                       String json) {
    }

    /**
     * Events with seq greater than {@code afterSeq}, in order; {@code tenantId} null means every
     * tenant. A tenant's events include the GLOBAL tenant's {@code trust_anchor_updated} events,
     * since every tenant's trust bundles layer the global anchors.
     */
    List<StoredEvent> after(long afterSeq, String tenantId, int limit);

    /** The highest committed sequence number (0 when empty). */
    long lastSeq();

    /** When the event after {@code seq} was made, if there is one: the age of a sink's backlog. */
    Optional<Instant> timestampAfter(long seq);

    /** Highest seq acknowledged by {@code sink} (0 for a new sink). */
    long sinkCursor(String sink);

    /** Moves the cursor from {@code from} to {@code to} if it is still at {@code from}. */
    boolean advanceSinkCursor(String sink, long from, long to);

    /**
     * Takes or renews the right to deliver to {@code sink} until {@code until}: granted when no one
     * holds it, {@code owner} already does, or the holder's lease ran out before {@code now}.
     */
    boolean acquireLease(String sink, String owner, Instant now, Instant until);

    /** Every sink's delivery cursor (sink name → highest seq it acknowledged). */
    java.util.Map<String, Long> sinkCursors();

    /** The highest seq pruned (0 when nothing was): the feed holds the events after it. */
    long prunedThrough();

    /** Up to {@code limit} (seq, ts) pairs after {@code afterSeq} in order: where pruning may stop. */
    List<java.util.Map.Entry<Long, Instant>> stamps(long afterSeq, int limit);

    /**
     * Removes the events with {@code seq <= throughSeq} not removed yet, up to {@code limit} of them
     * (oldest first) in one transaction, and raises {@link #prunedThrough} to the last one removed.
     * Returns how many went.
     */
    int pruneThrough(long throughSeq, int limit);
}
