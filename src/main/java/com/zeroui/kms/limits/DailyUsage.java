package com.zeroui.kms.limits;

import com.zeroui.kms.error.ErrorCode;
import com.zeroui.kms.error.KmsException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Enforces {@code access_policy.max_usage_per_day}: uses of a key per UTC day, counted durably in
 * the database so the limit holds across restarts and nodes.
 *
 * <p>A database write per operation would cost a commit (an fsync) per sign or encrypt, so each
 * node reserves blocks of uses — 1% of the key's limit, at most 1024 — with one conditional upsert,
 * and spends them locally. Near the limit it reserves one at a time, so on one node the limit is
 * reached exactly. Across N nodes the total never passes the limit, but up to N−1 partly spent
 * blocks may be stranded, so a key may be refused up to (N−1) blocks early; a restart strands at
 * most one block (the same trade-off as the AEAD invocation budget).
 */
public final class DailyUsage {
    static final long MAX_BLOCK = 1024;
    /** Days of counts kept (for looking back); older rows are pruned once a day per node. */
    static final long KEEP_DAYS = 7;

    private final UsageCounterRepository repository;
    private final Clock clock;
    private final Map<String, Block> blocks = new ConcurrentHashMap<>();
    private final AtomicLong prunedThrough = new AtomicLong(Long.MIN_VALUE);

    public DailyUsage(UsageCounterRepository repository, Clock clock) {
        this.repository = repository;
        this.clock = clock;
    }

    /** The block a node reserves at once for a key with this daily limit. */
    static long blockFor(long limit) {
        return Math.max(1, Math.min(MAX_BLOCK, limit / 100));
    }

    /** Counts one use of {@code keyId} today, or throws 429 RATE_LIMITED when it has reached {@code limit}. */
    public void spend(String keyId, long limit) {
        Instant now = clock.instant();
        long day = now.getEpochSecond() / 86_400;
        pruneOnceFor(day);
        Block block = blocks.computeIfAbsent(keyId, k -> new Block());
        synchronized (block) {
            if (block.day != day) {
                block.day = day;
                block.remaining = 0;
            }
            if (block.remaining > 0) {
                block.remaining--;
                return;
            }
            long size = Math.min(blockFor(limit), limit);
            long total = repository.reserve(keyId, day, size, limit);
            if (total < 0 && size > 1) {
                size = 1; // the last uses of the day: one at a time, so the limit is reached exactly
                total = repository.reserve(keyId, day, size, limit);
            }
            if (total < 0) {
                throw limited(keyId, limit, now, day);
            }
            block.remaining = size - 1; // this use takes one of the new block
        }
    }

    private void pruneOnceFor(long day) {
        long done = prunedThrough.get();
        if (done < day && prunedThrough.compareAndSet(done, day)) {
            try {
                repository.pruneBefore(day - KEEP_DAYS);
            } catch (RuntimeException e) {
                prunedThrough.set(done); // try again with the next use; counting itself goes on
            }
        }
    }

    private static KmsException limited(String keyId, long limit, Instant now, long day) {
        Instant reset = LocalDate.ofEpochDay(day + 1).atStartOfDay(ZoneOffset.UTC).toInstant();
        long retryAfter = Math.max(1, (reset.toEpochMilli() - now.toEpochMilli() + 999) / 1000);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("reason", "max_usage_per_day");
        details.put("key_id", keyId);
        details.put("limit", limit);
        details.put("window", "P1D (UTC day)");
        details.put("reset_at", reset.toString());
        details.put(UsageGate.RETRY_AFTER_DETAIL, retryAfter);
        return new KmsException(ErrorCode.RATE_LIMITED, "key " + keyId + " has reached its max_usage_per_day of "
                + limit + " uses for the UTC day; it resets at " + reset, details);
    }

    private static final class Block {
        private long day = Long.MIN_VALUE;
        private long remaining;
    }
}
