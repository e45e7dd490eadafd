package com.zeroui.kms.store;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Opening a connection keeps trying, for a short while, when no server of the URL accepts one as
 * primary (SQLSTATE 08001: refused, or only standbys answer). Why: the pool backs off
 * exponentially (up to 5 s) between failed attempts to add a connection, so a failover that takes
 * 6 s would otherwise be noticed up to 5 s late. Polling here finds the promoted primary within
 * {@link #POLL_MS}. Other failures (authentication, unknown database) are not retried.
 */
final class AwaitPrimaryDataSource implements DataSource {
    static final long WINDOW_MS = 3_000;
    static final long POLL_MS = 200;
    private static final String UNABLE_TO_CONNECT = "08001";

    private final DataSource delegate;

    AwaitPrimaryDataSource(DataSource delegate) {
        this.delegate = delegate;
    }

    private interface Opener {
        Connection open() throws SQLException;
    }

    private static Connection await(Opener opener) throws SQLException {
        long deadline = System.nanoTime() + WINDOW_MS * 1_000_000;
        while (true) {
            try {
                return opener.open();
            } catch (SQLException e) {
                if (!UNABLE_TO_CONNECT.equals(e.getSQLState()) || System.nanoTime() + POLL_MS * 1_000_000 > deadline) {
                    throw e;
                }
            }
            try {
                Thread.sleep(POLL_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SQLException("interrupted while waiting for a primary", UNABLE_TO_CONNECT, e);
            }
        }
    }

    @Override
    public Connection getConnection() throws SQLException {
        return await(delegate::getConnection);
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return await(() -> delegate.getConnection(username, password));
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return delegate.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        delegate.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        delegate.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return delegate.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return delegate.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        return iface.isInstance(this) ? iface.cast(this) : delegate.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return iface.isInstance(this) || delegate.isWrapperFor(iface);
    }
}
