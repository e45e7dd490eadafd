package com.zeroui.kms.store;

import com.zeroui.kms.error.KmsException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import javax.sql.DataSource;

/** Transactions and the one place where SQL failures become the service's error families. */
final class Jdbc {
    private Jdbc() {
    }

    interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    static <T> T read(DataSource ds, Work<T> work) {
        try (Connection c = ds.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw translate(e);
        }
    }

    static <T> T transaction(DataSource ds, Work<T> work) {
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            T result;
            try {
                result = work.run(c);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                // No setAutoCommit here: on a connection the pool already evicted it throws a bare
                // "Connection is closed" that would hide this (classifiable) failure; the pool
                // resets auto-commit itself when the connection is returned.
                rollbackQuietly(c);
                throw e;
            }
            c.setAutoCommit(true);
            return result;
        } catch (SQLException e) {
            throw translate(e);
        }
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // the connection is already broken; the original error is what matters
        }
    }

    static boolean isUniqueViolation(SQLException e) {
        String state = e.getSQLState();
        return "23505".equals(state) || (e.getMessage() != null && e.getMessage().contains("UNIQUE constraint failed"));
    }

    /**
     * Connection loss, refused connections, an exhausted pool, a store too busy to answer or one that
     * turned read-only (failover) are the store being unavailable (503, retryable); anything else is
     * our bug (500).
     */
    static KmsException translate(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String message = e.getMessage() == null ? "" : e.getMessage();
        boolean unavailable = e instanceof SQLTransientConnectionException
                || state.startsWith("08") || state.startsWith("57P") || state.startsWith("53")
                || state.equals(FailoverSettings.READ_ONLY_SQL_TRANSACTION) // a demoted primary, until the pool moves on
                || message.contains("SQLITE_BUSY") || message.contains("SQLITE_IOERR") || message.contains("SQLITE_CANTOPEN")
                || message.contains("SQLITE_READONLY") || message.contains("SQLITE_FULL");
        if (unavailable) {
            return KmsException.unavailable("storage", "metadata store unavailable", e);
        }
        return KmsException.internal("metadata store error", e);
    }
}
