package com.zeroui.kms.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * A pooled connection to the metadata store, SQLite (embedded default) or PostgreSQL, migrated at
 * open time from the same versioned scripts. SQLite runs in WAL mode with {@code synchronous=FULL}
 * so that a committed transaction survives power loss; PostgreSQL keeps its default durable commit.
 */
public final class Database implements AutoCloseable {
    public enum Dialect { SQLITE, POSTGRESQL }

    private final HikariDataSource dataSource;
    private final Dialect dialect;

    private Database(HikariDataSource dataSource, Dialect dialect) {
        this.dataSource = dataSource;
        this.dialect = dialect;
    }

    public static Database open(String jdbcUrl, String user, String password) {
        Dialect dialect = dialectOf(jdbcUrl);
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setPoolName("kms-store");
        config.setConnectionTimeout(3_000);
        config.setValidationTimeout(2_000);
        config.setInitializationFailTimeout(5_000);
        if (dialect == Dialect.SQLITE) {
            config.setMaximumPoolSize(8);
            config.addDataSourceProperty("journal_mode", "WAL");
            config.addDataSourceProperty("synchronous", "FULL");
            config.addDataSourceProperty("busy_timeout", "10000");
            config.addDataSourceProperty("foreign_keys", "true");
            // deleted and overwritten content is zeroed in the file: destroyed key material leaves no trace
            config.addDataSourceProperty("secure_delete", "true");
            // Write transactions take the lock up front: no deadlock when two upgrade at once.
            config.addDataSourceProperty("transaction_mode", "IMMEDIATE");
        } else {
            config.setMaximumPoolSize(16);
            FailoverSettings.apply(config, jdbcUrl);
            if (user != null) {
                config.setUsername(user);
            }
            if (password != null) {
                config.setPassword(password);
            }
        }
        HikariDataSource ds;
        try {
            ds = new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot connect to the database at " + redact(jdbcUrl) + ": "
                    + rootMessage(e), e);
        }
        try {
            Flyway.configure()
                    // PostgreSQL migrates on its own connection: the pool's socket timeout would cut a long migration
                    .dataSource(dialect == Dialect.SQLITE ? ds : FailoverSettings.migrationDataSource(jdbcUrl, user, password))
                    .locations("classpath:db/migration")
                    .placeholders(Map.of("blob", dialect == Dialect.SQLITE ? "BLOB" : "BYTEA"))
                    .table("kms_schema_history")
                    .load()
                    .migrate();
        } catch (RuntimeException e) {
            ds.close();
            throw new IllegalStateException("database migration failed on " + redact(jdbcUrl) + ": " + rootMessage(e), e);
        }
        return new Database(ds, dialect);
    }

    public static Dialect dialectOf(String jdbcUrl) {
        if (jdbcUrl.startsWith("jdbc:sqlite:")) {
            return Dialect.SQLITE;
        }
        if (jdbcUrl.startsWith("jdbc:postgresql:")) {
            return Dialect.POSTGRESQL;
        }
        throw new IllegalArgumentException("unsupported database URL (use jdbc:sqlite:FILE or jdbc:postgresql://HOST/DB): "
                + redact(jdbcUrl));
    }

    /** Strips credentials that may sit in a URL's query. */
    public static String redact(String jdbcUrl) {
        return jdbcUrl.replaceAll("(?i)(password=)[^&]*", "$1***");
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage();
    }

    public DataSource dataSource() {
        return dataSource;
    }

    public Dialect dialect() {
        return dialect;
    }

    /** A trivial query: throws when the store is unreachable. */
    public void ping() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("SELECT 1");
        }
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
