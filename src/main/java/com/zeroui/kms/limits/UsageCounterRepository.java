package com.zeroui.kms.limits;

/** Durable per-(key, UTC day) usage counts, shared by every node on the database. */
public interface UsageCounterRepository {
    /**
     * Atomically raises the count reserved for {@code keyId} on {@code day} (days since 1970-01-01
     * UTC) by {@code count} if the result stays within {@code limit}; returns the new total, or -1
     * when it would pass the limit (nothing is reserved then).
     */
    long reserve(String keyId, long day, long count, long limit);

    /** Drops the counts of days before {@code day}. */
    void pruneBefore(long day);
}
