package com.zeroui.kms.store;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * The audit writer's connection, kept with its prepared statements across group commits (ADR 0039):
 * preparing the five statements of a batch anew each time cost more CPU than inserting the rows.
 * One writer thread uses it; it goes back to the pool when the writer idles or after
 * {@link #MAX_AGE_NANOS}, and is evicted from the pool (closed) after any failure, so the next
 * batch starts on a connection the pool has just validated.
 *
 * <p>Transactions are the same as {@link Jdbc#transaction}'s: on SQLite an explicit
 * {@code BEGIN IMMEDIATE} … {@code COMMIT} on an auto-commit connection (the driver's own
 * {@code commit()} would begin the next IMMEDIATE transaction at once and hold the write lock
 * between batches), committed with the pool's {@code synchronous=FULL}; on PostgreSQL the driver's
 * commit with auto-commit off.
 */
final class AuditWriterConnection implements AutoCloseable {
    /** Returned to the pool at least this often, so the pool's lifetime and validation still apply. */
    static final long MAX_AGE_NANOS = 60_000_000_000L;

    private final DataSource ds;
    private final Connection connection;
    private final boolean sqlite;
    private final long openedNanos = System.nanoTime();
    private final PreparedStatement begin;
    private final PreparedStatement commit;
    private final PreparedStatement rollback;
    final PreparedStatement reserve;
    final PreparedStatement receipts;
    final PreparedStatement nodes;
    final PreparedStatement eventHead;
    final PreparedStatement events;

    private AuditWriterConnection(DataSource ds, Connection connection, boolean sqlite, String receiptInsert,
                                  String nodeInsert) throws SQLException {
        this.ds = ds;
        this.connection = connection;
        this.sqlite = sqlite;
        if (sqlite) {
            begin = connection.prepareStatement("BEGIN IMMEDIATE");
            commit = connection.prepareStatement("COMMIT");
            rollback = connection.prepareStatement("ROLLBACK");
        } else {
            connection.setAutoCommit(false);
            begin = null;
            commit = null;
            rollback = null;
        }
        reserve = connection.prepareStatement(JdbcAuditRepository.RESERVE_SQL);
        receipts = connection.prepareStatement(receiptInsert);
        nodes = connection.prepareStatement(nodeInsert);
        eventHead = connection.prepareStatement(JdbcEventOutbox.RESERVE_SQL);
        events = connection.prepareStatement(JdbcEventOutbox.INSERT_SQL);
    }

    /** How many dead connections a retry discards before it gives up (the pool's size and then some). */
    private static final int MAX_DEAD = 32;

    /**
     * A connection from the pool with the writer's statements prepared. With {@code validate} (the
     * retry after a lost connection, when the pool may hold more connections the server closed, which
     * it does not re-check within half a second of their last use) each one is checked first and a
     * dead one evicted.
     */
    static AuditWriterConnection open(DataSource ds, Database.Dialect dialect, String receiptInsert, String nodeInsert,
                                      boolean validate) throws SQLException {
        for (int dead = 0; ; dead++) {
            Connection c = ds.getConnection();
            try {
                if (validate && dead < MAX_DEAD && !c.isValid(VALIDATION_SECONDS)) {
                    discard(ds, c);
                    continue;
                }
                return new AuditWriterConnection(ds, c, dialect == Database.Dialect.SQLITE, receiptInsert, nodeInsert);
            } catch (SQLException | RuntimeException e) {
                discard(ds, c);
                throw e;
            }
        }
    }

    private static final int VALIDATION_SECONDS = 2;

    Connection connection() {
        return connection;
    }

    boolean expired(long now) {
        return now - openedNanos > MAX_AGE_NANOS;
    }

    void begin() throws SQLException {
        if (sqlite) {
            begin.execute();
        }
        // PostgreSQL: auto-commit is off, the driver begins with the first statement
    }

    void commit() throws SQLException {
        if (sqlite) {
            commit.execute();
        } else {
            connection.commit();
        }
    }

    /** After a failure: roll back what can be, and close the connection for good (never back to the pool). */
    void discard() {
        try {
            if (sqlite) {
                rollback.execute();
            } else {
                connection.rollback();
            }
        } catch (SQLException | RuntimeException ignored) {
            // broken connection: closing it below discards the transaction anyway
        }
        discard(ds, connection);
    }

    private static void discard(DataSource ds, Connection c) {
        if (ds instanceof HikariDataSource hikari) {
            try {
                hikari.evictConnection(c); // closes the physical connection now: it is in use
            } catch (RuntimeException ignored) {
                // the pool is shutting down
            }
        }
        try {
            c.close();
        } catch (SQLException | RuntimeException ignored) {
            // already closed by the eviction
        }
    }

    /** Back to the pool, outside any transaction (the last batch committed or was rolled back). */
    @Override
    public void close() {
        try {
            connection.close(); // the pool closes the statements and restores auto-commit
        } catch (SQLException | RuntimeException e) {
            discard(ds, connection);
        }
    }
}
