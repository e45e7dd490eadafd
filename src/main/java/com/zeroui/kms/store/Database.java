package com.zeroui.kms.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zeroui.kms.ops.DatabaseUrls;
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
    private final String jdbcUrl;
    private final String user;
    private final String password;
    /** SQLite only: checkpoints off the committing thread (null for PostgreSQL). */
    private final WalCheckpointer checkpointer;

    private Database(HikariDataSource dataSource, Dialect dialect, String jdbcUrl, String user, String password) {
        this.dataSource = dataSource;
        this.checkpointer = dialect == Dialect.SQLITE ? new WalCheckpointer(dataSource).start() : null;
        this.dialect = dialect;
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
    }

    public static Database open(String jdbcUrl, String user, String password) {
        return open(jdbcUrl, user, password, null);
    }

    /**
     * Opens a database migrated only up to {@code schemaVersion}: a restore loads rows of that
     * schema version, and the next ordinary open migrates them forward. Refuses a version newer than
     * this build's migrations.
     */
    public static Database openAtSchemaVersion(String jdbcUrl, String user, String password, int schemaVersion) {
        return open(jdbcUrl, user, password, schemaVersion);
    }

    private static Database open(String jdbcUrl, String user, String password, Integer schemaVersion) {
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
            config.setConnectionInitSql(WalCheckpointer.DISABLE_AUTOMATIC);
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
            throw new IllegalStateException("cannot connect to the database at " + DatabaseUrls.redact(jdbcUrl) + ": "
                    + rootMessage(e), e);
        }
        try {
            var flyway = Flyway.configure()
                    // PostgreSQL migrates on its own connection: the pool's socket timeout would cut a long migration
                    .dataSource(dialect == Dialect.SQLITE ? ds : FailoverSettings.migrationDataSource(jdbcUrl, user, password))
                    .locations("classpath:db/migration")
                    .placeholders(Map.of("blob", dialect == Dialect.SQLITE ? "BLOB" : "BYTEA",
                            "signed_tenant", SignedReceiptSql.tenant(dialect)))
                    .table("kms_schema_history");
            if (schemaVersion != null) {
                int latest = latestVersion(flyway.load());
                if (schemaVersion > latest) {
                    throw new IllegalArgumentException("schema version " + schemaVersion + " is newer than this build's ("
                            + latest + "); use a newer kms");
                }
                flyway.target(String.valueOf(schemaVersion));
            }
            flyway.load().migrate();
        } catch (IllegalArgumentException e) {
            ds.close();
            throw e;
        } catch (RuntimeException e) {
            ds.close();
            throw new IllegalStateException("database migration failed on " + DatabaseUrls.redact(jdbcUrl) + ": " + rootMessage(e), e);
        }
        return new Database(ds, dialect, jdbcUrl, user, password);
    }

    private static int latestVersion(Flyway flyway) {
        int latest = 0;
        for (var migration : flyway.info().all()) {
            if (migration.getVersion() != null) {
                latest = Math.max(latest, migration.getVersion().getMajor().intValue());
            }
        }
        return latest;
    }

    /**
     * A connection outside the pool for one long read transaction (a backup's snapshot). On SQLite it
     * is read-only and begins deferred transactions, so writers go on while it reads: the pool's
     * connections begin IMMEDIATE ones, which would hold the write lock for the whole backup.
     */
    public static Connection snapshotConnection(String jdbcUrl, String user, String password) throws SQLException {
        java.util.Properties props = new java.util.Properties();
        if (dialectOf(jdbcUrl) == Dialect.SQLITE) {
            org.sqlite.SQLiteConfig config = new org.sqlite.SQLiteConfig();
            config.setReadOnly(true);
            config.setBusyTimeout(10_000);
            props = config.toProperties();
        } else {
            if (user != null) {
                props.setProperty("user", user);
            }
            if (password != null) {
                props.setProperty("password", password);
            }
        }
        return java.sql.DriverManager.getConnection(jdbcUrl, props);
    }

    /** {@link #snapshotConnection(String, String, String)} on this database. */
    public Connection snapshotConnection() throws SQLException {
        return dialect == Dialect.SQLITE ? snapshotConnection(jdbcUrl, user, password) : dataSource.getConnection();
    }

    public static Dialect dialectOf(String jdbcUrl) {
        if (jdbcUrl.startsWith("jdbc:sqlite:")) {
            return Dialect.SQLITE;
        }
        if (jdbcUrl.startsWith("jdbc:postgresql:")) {
            return Dialect.POSTGRESQL;
        }
        throw new IllegalArgumentException("unsupported database URL (use jdbc:sqlite:FILE or jdbc:postgresql://HOST/DB): "
                + DatabaseUrls.redact(jdbcUrl));
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
        if (checkpointer != null) {
            checkpointer.close();
        }
        dataSource.close();
    }
}
