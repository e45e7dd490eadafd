package com.zeroui.kms.error;

import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * Logs repeated failures of a dependency (the database above all) as one line per failure kind and
 * place, at most once per {@link #WINDOW}, with the number of occurrences left out since. A line
 * names the exception class and SQLState, never the message: a JDBC driver's message can hold the
 * statement with its values (pgjdbc's BatchUpdateException does), and an outage of seconds would
 * otherwise write every failed request, with its stack trace, to the log.
 */
public final class FailureLog {
    public static final Duration WINDOW = Duration.ofSeconds(60);

    private final Logger log;
    private final long windowNanos;
    private final java.util.function.LongSupplier nanoTime;
    private final Map<String, Entry> lastLogged = new ConcurrentHashMap<>();

    private static final class Entry {
        volatile long loggedAt;
        final AtomicLong suppressed = new AtomicLong();

        Entry(long loggedAt) {
            this.loggedAt = loggedAt;
        }
    }

    public FailureLog(Logger log) {
        this(log, WINDOW);
    }

    public FailureLog(Logger log, Duration window) {
        this(log, window, System::nanoTime);
    }

    FailureLog(Logger log, Duration window, java.util.function.LongSupplier nanoTime) {
        this.log = log;
        this.windowNanos = window.toNanos();
        this.nanoTime = nanoTime;
    }

    /**
     * Notes a failure in {@code where} (a fixed description, no request data); logs one WARN line
     * unless one of the same kind and place was logged within the window.
     *
     * @return true when this call wrote the line
     */
    public boolean warn(String where, Throwable failure) {
        String kind = kind(failure);
        String key = where + '\u0000' + kind;
        long now = nanoTime.getAsLong();
        Entry entry = lastLogged.get(key);
        if (entry == null) {
            Entry fresh = new Entry(now);
            entry = lastLogged.putIfAbsent(key, fresh);
            if (entry == null) {
                log.warn("{}: {}", where, kind);
                return true;
            }
        }
        synchronized (entry) {
            if (now - entry.loggedAt < windowNanos) {
                entry.suppressed.incrementAndGet();
                return false;
            }
            entry.loggedAt = now;
        }
        long more = entry.suppressed.getAndSet(0);
        log.warn("{}: {} ({} more like it since the last such line)", where, kind, more);
        return true;
    }

    /**
     * What kind of failure this is, safe to log: the first SQLException in the cause chain as its
     * class and SQLState, else the innermost exception's class. Never a message.
     */
    public static String kind(Throwable failure) {
        Throwable innermost = failure;
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql) {
                return sql.getClass().getSimpleName() + (sql.getSQLState() == null ? "" : " (SQLState " + sql.getSQLState() + ")");
            }
            innermost = t;
        }
        if (innermost instanceof KmsException k) {
            return k.code().name();
        }
        return innermost.getClass().getSimpleName();
    }
}
