package com.zeroui.kms.events;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Bounds the outbox: removes the oldest events once every sink has acknowledged them and they are
 * older than the retention period. What goes is always a prefix of the sequence (all events up to
 * one seq), so the pull feed can say exactly where it starts; an event a sink has not acknowledged
 * is never removed, however old — a lagging sink holds back pruning (and is reported by its lag).
 */
public final class EventPruner {
    static final int CHUNK = 5_000;

    private final EventOutbox outbox;
    private final Duration retention;
    private final Clock clock;

    public EventPruner(EventOutbox outbox, Duration retention, Clock clock) {
        if (retention.isNegative() || retention.isZero()) {
            throw new IllegalArgumentException("event retention must be positive, got " + retention);
        }
        this.outbox = outbox;
        this.retention = retention;
        this.clock = clock;
    }

    /** What a run removed and, when it stopped short of the retention cut-off, which sink held it back. */
    public record Result(long prunedThrough, long removed, String heldBackBy) {
    }

    public Result pruneOnce() {
        Instant cutoff = clock.instant().minus(retention);
        long from = outbox.prunedThrough();
        long target = outbox.lastSeq();
        String heldBackBy = null;
        for (Map.Entry<String, Long> sink : outbox.sinkCursors().entrySet()) {
            if (sink.getValue() < target) {
                target = sink.getValue();
                heldBackBy = sink.getKey();
            }
        }
        long byAge = lastOlderThan(from, target, cutoff);
        if (byAge < target) {
            target = byAge;
            heldBackBy = null;
        }
        long removed = 0;
        while (outbox.prunedThrough() < target) {
            removed += outbox.pruneThrough(target, CHUNK);
        }
        return new Result(Math.max(from, target), removed, heldBackBy);
    }

    /** The last seq in (from, limit] before which every event is older than {@code cutoff}. */
    private long lastOlderThan(long from, long limit, Instant cutoff) {
        long last = from;
        while (last < limit) {
            List<Map.Entry<Long, Instant>> page = outbox.stamps(last, CHUNK);
            if (page.isEmpty()) {
                return last;
            }
            for (Map.Entry<Long, Instant> e : page) {
                if (e.getKey() > limit || !e.getValue().isBefore(cutoff)) {
                    return last;
                }
                last = e.getKey();
            }
        }
        return Math.min(last, limit);
    }
}
