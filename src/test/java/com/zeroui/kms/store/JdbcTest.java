package com.zeroui.kms.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.zeroui.kms.error.ErrorCode;
import com.zeroui.kms.error.KmsException;
import com.zeroui.kms.support.PostgresDatabases;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JdbcTest {
    private static PostgresDatabases.TempDatabase pg;
    private static Database database;

    @BeforeAll
    static void open() {
        pg = PostgresDatabases.create("jdbc");
        database = Database.open(pg.url(), pg.user(), pg.password());
    }

    @AfterAll
    static void close() {
        try {
            if (database != null) {
                database.close();
            }
        } finally {
            if (pg != null) {
                pg.close();
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"08006", "08003", "57P01", "57P03", "53300", "25006"})
    void lostOrRefusedConnectionsAreTheStoreBeingUnavailable(String sqlState) {
        KmsException e = Jdbc.translate(new SQLException("x", sqlState));
        assertThat(e.code()).isEqualTo(ErrorCode.DEPENDENCY_UNAVAILABLE);
        assertThat(e.httpStatus()).isEqualTo(503);
        assertThat(e.details()).containsEntry("dependency", "storage");
    }

    @Test
    void poolTimeoutsAndBusySqliteAreUnavailable() {
        assertThat(Jdbc.translate(new SQLTransientConnectionException("pool timed out")).code())
                .isEqualTo(ErrorCode.DEPENDENCY_UNAVAILABLE);
        assertThat(Jdbc.translate(new SQLException("[SQLITE_BUSY] The database file is locked")).code())
                .isEqualTo(ErrorCode.DEPENDENCY_UNAVAILABLE);
    }

    @ParameterizedTest
    @CsvSource({"23505", "42P01", "22001"})
    void otherFailuresAreOurs(String sqlState) {
        assertThat(Jdbc.translate(new SQLException("x", sqlState)).code()).isEqualTo(ErrorCode.INTERNAL_ERROR);
    }

    /** Regression: the pool's bare "Connection is closed" from restoring auto-commit used to hide the cause (500). */
    @Test
    void transactionWhoseConnectionTheServerKillsIsUnavailable() {
        KmsException e = catchThrowableOfType(KmsException.class, () -> Jdbc.transaction(database.dataSource(), c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT pg_terminate_backend(pg_backend_pid())")) {
                return ps.execute();
            }
        }));
        assertThat(e).as("a killed session must fail the transaction").isNotNull();
        assertThat(e.code()).as("%s", e.getCause()).isEqualTo(ErrorCode.DEPENDENCY_UNAVAILABLE);

        // The pool replaces the dead connection: the next transaction works.
        Boolean ran = Jdbc.transaction(database.dataSource(), c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT 1")) {
                return ps.execute();
            }
        });
        assertThat(ran).isTrue();
    }

    @Test
    void readWhoseConnectionTheServerKillsIsUnavailable() {
        KmsException e = catchThrowableOfType(KmsException.class, () -> Jdbc.read(database.dataSource(), c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT pg_terminate_backend(pg_backend_pid())")) {
                return ps.execute();
            }
        }));
        assertThat(e).isNotNull();
        assertThat(e.code()).as("%s", e.getCause()).isEqualTo(ErrorCode.DEPENDENCY_UNAVAILABLE);
    }

    /**
     * What a primary demoted in place looks like to pooled connections: they still answer but refuse
     * writes. Each such connection fails one write with a retryable 503 and leaves the pool, so writes
     * work again once fresh connections are made (pgjdbc would make them to the new primary).
     */
    @Test
    void connectionsThatTurnedReadOnlyAreEvictedAndWritesRecover() throws SQLException {
        try (Database db = Database.open(pg.url(), pg.user(), pg.password())) {
            Jdbc.transaction(db.dataSource(), c -> execute(c, "CREATE TABLE read_only_probe (x INT)"));
            List<Connection> held = new ArrayList<>();
            for (int i = 0; i < POOL_SIZE; i++) { // every connection of the pool
                Connection c = db.dataSource().getConnection();
                execute(c, "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY");
                held.add(c);
            }
            for (Connection c : held) {
                c.close();
            }
            int failures = 0;
            while (true) {
                KmsException e = catchThrowableOfType(KmsException.class, () -> Jdbc.transaction(db.dataSource(),
                        c -> execute(c, "INSERT INTO read_only_probe VALUES (1)")));
                if (e == null) {
                    break;
                }
                assertThat(e.code()).as("%s", e.getCause()).isEqualTo(ErrorCode.DEPENDENCY_UNAVAILABLE);
                failures++;
                assertThat(failures).as("read-only connections stay in the pool").isLessThanOrEqualTo(POOL_SIZE);
            }
            assertThat(failures).as("the first write met a read-only connection").isPositive();
        }
    }

    @Test
    void aServerThatStopsAnsweringFailsTheCallWithinTheSocketTimeout() {
        try (Database db = Database.open(pg.url() + (pg.url().contains("?") ? "&" : "?") + "socketTimeout=1", pg.user(),
                pg.password())) {
            long start = System.nanoTime();
            KmsException e = catchThrowableOfType(KmsException.class, () -> Jdbc.read(db.dataSource(),
                    c -> execute(c, "SELECT pg_sleep(5)")));
            assertThat(e).isNotNull();
            assertThat(e.code()).as("%s", e.getCause()).isEqualTo(ErrorCode.DEPENDENCY_UNAVAILABLE);
            assertThat((System.nanoTime() - start) / 1_000_000).as("ms until the call failed").isLessThan(4_000);
        }
    }

    @Test
    void poolConnectionsHaveTheDefaultSocketTimeout() throws SQLException {
        try (Connection c = database.dataSource().getConnection()) {
            assertThat(c.getNetworkTimeout()).isEqualTo(FailoverSettings.SOCKET_TIMEOUT_SECONDS * 1000);
        }
    }

    private static final int POOL_SIZE = 16;

    private static boolean execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            return s.execute(sql);
        }
    }
}
