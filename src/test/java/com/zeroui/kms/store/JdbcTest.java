package com.zeroui.kms.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.zeroui.kms.error.ErrorCode;
import com.zeroui.kms.error.KmsException;
import com.zeroui.kms.support.PostgresDatabases;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
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
    @CsvSource({"08006", "08003", "57P01", "57P03", "53300"})
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
}
