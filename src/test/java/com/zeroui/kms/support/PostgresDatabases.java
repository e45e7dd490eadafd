package com.zeroui.kms.support;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fresh, uniquely named PostgreSQL databases for tests, created and dropped through the server's
 * {@code postgres} database. The server comes from {@code -Dkms.test.pg.url} and {@code -Dkms.test.pg.user}
 * (optional {@code -Dkms.test.pg.password}). An unreachable server fails the test: the storage tests
 * must run on PostgreSQL, never silently skip it.
 */
public final class PostgresDatabases {
    public static final String DEFAULT_URL = "jdbc:postgresql://127.0.0.1:5432/test";
    public static final String DEFAULT_USER = "postgres";
    private static final Pattern URL = Pattern.compile("(jdbc:postgresql://[^/?]*/)([^?]*)(\\?.*)?");
    private static final SecureRandom RANDOM = new SecureRandom();

    private PostgresDatabases() {
    }

    public static String serverUrl() {
        return System.getProperty("kms.test.pg.url", DEFAULT_URL);
    }

    public static String user() {
        return System.getProperty("kms.test.pg.user", DEFAULT_USER);
    }

    /** Null when the server needs none (the local trust setup). */
    public static String password() {
        String password = System.getProperty("kms.test.pg.password");
        return password == null || password.isEmpty() ? null : password;
    }

    /** Creates an empty database named after {@code label} plus a random suffix. */
    public static TempDatabase create(String label) {
        String name = uniqueName(label);
        try (Connection admin = connect(urlOf("postgres")); Statement s = admin.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database " + name + " on " + serverUrl() + ": "
                    + e.getMessage(), e);
        }
        return new TempDatabase(name, urlOf(name));
    }

    static String uniqueName(String label) {
        String safe = label.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_");
        if (safe.length() > 30) {
            safe = safe.substring(0, 30);
        }
        byte[] suffix = new byte[6];
        RANDOM.nextBytes(suffix);
        return "kms_test_" + safe + "_" + HexFormat.of().formatHex(suffix);
    }

    /** The configured server URL with its database replaced by {@code database}, query kept. */
    static String urlOf(String database) {
        Matcher m = URL.matcher(serverUrl());
        if (!m.matches()) {
            throw new IllegalStateException("kms.test.pg.url must look like jdbc:postgresql://HOST:PORT/DB, got "
                    + serverUrl());
        }
        return m.group(1) + database + (m.group(3) == null ? "" : m.group(3));
    }

    private static Connection connect(String url) {
        Properties props = new Properties();
        props.setProperty("user", user());
        if (password() != null) {
            props.setProperty("password", password());
        }
        props.setProperty("connectTimeout", "5");
        try {
            return DriverManager.getConnection(url, props);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL is required by the storage tests but is unreachable at " + url
                    + " as user " + user() + " (" + e.getMessage() + "). Start it, or point -Dkms.test.pg.url and"
                    + " -Dkms.test.pg.user at a server where that user may create databases.", e);
        }
    }

    /** One test database; {@link #close()} drops it. */
    public static final class TempDatabase implements AutoCloseable {
        private final String name;
        private final String url;

        private TempDatabase(String name, String url) {
            this.name = name;
            this.url = url;
        }

        public String name() {
            return name;
        }

        public String url() {
            return url;
        }

        public String user() {
            return PostgresDatabases.user();
        }

        public String password() {
            return PostgresDatabases.password();
        }

        /** A direct connection to this database, outside any pool under test. */
        public Connection connect() {
            return PostgresDatabases.connect(url);
        }

        /** Makes the database really unavailable: new connections are refused and open ones are killed. */
        public void refuseConnections() {
            admin("ALTER DATABASE " + name + " ALLOW_CONNECTIONS false");
            terminateBackends();
        }

        public void allowConnections() {
            admin("ALTER DATABASE " + name + " ALLOW_CONNECTIONS true");
        }

        public int terminateBackends() {
            try (Connection admin = PostgresDatabases.connect(urlOf("postgres"));
                 PreparedStatement ps = admin.prepareStatement("SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity"
                         + " WHERE datname = ? AND pid <> pg_backend_pid()")) {
                ps.setString(1, name);
                try (var rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            } catch (SQLException e) {
                throw new IllegalStateException("cannot terminate the backends of " + name + ": " + e.getMessage(), e);
            }
        }

        private void admin(String sql) {
            try (Connection admin = PostgresDatabases.connect(urlOf("postgres")); Statement s = admin.createStatement()) {
                s.execute(sql);
            } catch (SQLException e) {
                throw new IllegalStateException(sql + " failed: " + e.getMessage(), e);
            }
        }

        /** Drops the database, first ending whatever connections a test left open on it. */
        @Override
        public void close() {
            SQLException last = null;
            for (int attempt = 0; attempt < 5; attempt++) {
                terminateBackends();
                try (Connection admin = PostgresDatabases.connect(urlOf("postgres")); Statement s = admin.createStatement()) {
                    s.execute("DROP DATABASE IF EXISTS " + name);
                    return;
                } catch (SQLException e) {
                    // a pool may reconnect between terminate and drop ("being accessed by other users")
                    last = e;
                    sleep(200);
                }
            }
            throw new IllegalStateException("cannot drop test database " + name + ": " + last.getMessage(), last);
        }

        @Override
        public String toString() {
            return name;
        }

        private static void sleep(long millis) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
