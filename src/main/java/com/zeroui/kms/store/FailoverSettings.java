package com.zeroui.kms.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.SQLExceptionOverride;
import com.zeroui.kms.ops.DatabaseUrls;
import java.sql.SQLException;
import java.util.Properties;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * What lets a PostgreSQL pool follow a primary that moves (Patroni failover, see
 * docs/high-availability.md). With a multi-host URL and {@code targetServerType=primary} pgjdbc
 * only opens connections to the writable server; these settings make a call to a server that died,
 * hangs or was demoted fail within bounded time (a retryable 503) and leave no such connection in
 * the pool, so the next call reaches the new primary, which the pool finds as soon as it is promoted.
 */
final class FailoverSettings {
    /** Seconds to open a TCP connection to one host of the URL before trying the next. */
    static final int CONNECT_TIMEOUT_SECONDS = 3;
    /**
     * Seconds a statement may wait for the server's answer: a primary that stops answering (or a
     * commit waiting for a synchronous standby that never comes) fails the call instead of holding
     * its thread. Below a client's request timeout, above any single statement the service runs
     * (bulk work is chunked). A URL that sets {@code socketTimeout} wins ({@code 0} turns it off).
     */
    static final int SOCKET_TIMEOUT_SECONDS = 15;
    /** SQLSTATE read_only_sql_transaction: the server is (now) a standby. */
    static final String READ_ONLY_SQL_TRANSACTION = "25006";

    private FailoverSettings() {
    }

    /** Points the pool at {@code jdbcUrl} through {@link AwaitPrimaryDataSource}, with the defaults above. */
    static void apply(HikariConfig config, String jdbcUrl) {
        Properties inUrl = org.postgresql.Driver.parseURL(jdbcUrl, null);
        if (inUrl == null) {
            throw new IllegalStateException("cannot connect to the database at " + DatabaseUrls.redact(jdbcUrl)
                    + ": not a valid PostgreSQL URL");
        }
        PGSimpleDataSource pg = plainDataSource(jdbcUrl);
        // defaults only: a URL that names a timeout keeps it
        if (!inUrl.containsKey("connectTimeout")) {
            pg.setConnectTimeout(CONNECT_TIMEOUT_SECONDS);
        }
        if (!inUrl.containsKey("socketTimeout")) {
            pg.setSocketTimeout(SOCKET_TIMEOUT_SECONDS);
        }
        config.setJdbcUrl(null);
        config.setDataSource(new AwaitPrimaryDataSource(pg));
        config.setExceptionOverride(new EvictReadOnly());
    }

    /** A plain data source for migrations, without the pool's socket timeout. */
    static DataSource migrationDataSource(String jdbcUrl, String user, String password) {
        PGSimpleDataSource ds = plainDataSource(jdbcUrl);
        if (user != null) {
            ds.setUser(user);
        }
        if (password != null) {
            ds.setPassword(password);
        }
        return ds;
    }

    private static PGSimpleDataSource plainDataSource(String jdbcUrl) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(jdbcUrl); // every host of a multi-host URL, and its parameters
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
