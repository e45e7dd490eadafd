package com.zeroui.kms.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.SQLExceptionOverride;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * What lets a PostgreSQL pool follow a primary that moves (Patroni failover, see
 * docs/high-availability.md). With a multi-host URL and {@code targetServerType=primary} pgjdbc
 * only opens connections to the writable server; these settings make a call to a server that died,
 * hangs or was demoted fail within bounded time (a retryable 503) and leave no such connection in
 * the pool, so the next call reaches the new primary.
 */
final class FailoverSettings {
    /** Seconds to open a TCP connection to one host of the URL before trying the next. */
    static final String CONNECT_TIMEOUT_SECONDS = "3";
    /**
     * Seconds a statement may wait for the server's answer: a primary that stops answering (or a
     * commit waiting for a synchronous standby that never comes) fails the call instead of holding
     * its thread. Below a client's request timeout, above any single statement the service runs
     * (bulk work is chunked). A URL that sets {@code socketTimeout} wins ({@code 0} turns it off).
     */
    static final String SOCKET_TIMEOUT_SECONDS = "15";
    /** SQLSTATE read_only_sql_transaction: the server is (now) a standby. */
    static final String READ_ONLY_SQL_TRANSACTION = "25006";

    private FailoverSettings() {
    }

    static void apply(HikariConfig config) {
        // defaults only: pgjdbc lets parameters in the URL override these properties
        config.addDataSourceProperty("connectTimeout", CONNECT_TIMEOUT_SECONDS);
        config.addDataSourceProperty("socketTimeout", SOCKET_TIMEOUT_SECONDS);
        config.setExceptionOverride(new EvictReadOnly());
    }

    /** A plain data source for migrations, without the pool's socket timeout. */
    static DataSource migrationDataSource(String jdbcUrl, String user, String password) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(jdbcUrl);
        if (user != null) {
            ds.setUser(user);
        }
        if (password != null) {
            ds.setPassword(password);
        }
        return ds;
    }

    /**
     * Hikari evicts a connection on connection-class errors but keeps one that answers "read-only":
     * a connection to a primary that was demoted in place would then fail every write it is handed
     * for, until maxLifetime. Evicting it makes the pool reconnect, and pgjdbc picks the new primary.
     */
    static final class EvictReadOnly implements SQLExceptionOverride {
        @java.lang.Override // plain @Override would name the interface's enum
        public Override adjudicate(SQLException e) {
            return READ_ONLY_SQL_TRANSACTION.equals(e.getSQLState()) ? Override.MUST_EVICT : Override.CONTINUE_EVICT;
        }
    }
}
