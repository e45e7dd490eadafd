package com.zeroui.kms.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.zeroui.kms.support.PostgresDatabases;
import java.io.IOException;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/** Real pgjdbc connection attempts: which failures are waited out and which are not. */
class AwaitPrimaryDataSourceTest {

    @Test
    void noServerAcceptingIsRetriedUntilTheWindowEnds() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        Counting pg = new Counting("jdbc:postgresql://127.0.0.1:" + closedPort + "/kms?targetServerType=primary");
        SQLException e = catchThrowableOfType(SQLException.class, () -> new AwaitPrimaryDataSource(pg).getConnection());
        assertThat(e.getSQLState()).isEqualTo("08001");
        assertThat(pg.attempts.get()).as("attempts within the window").isGreaterThan(1);
    }

    @Test
    void otherFailuresAreNotRetried() {
        Counting pg = new Counting(PostgresDatabases.serverUrl().replaceFirst("/[^/?]*(\\?|$)", "/kms_no_such_database$1"));
        pg.setUser(PostgresDatabases.user());
        SQLException e = catchThrowableOfType(SQLException.class, () -> new AwaitPrimaryDataSource(pg).getConnection());
        assertThat(e.getSQLState()).as(e.getMessage()).isEqualTo("3D000");
        assertThat(pg.attempts.get()).isEqualTo(1);
    }

    @Test
    void aPrimaryIsReturnedAtOnce() throws SQLException {
        Counting pg = new Counting(PostgresDatabases.serverUrl());
        pg.setUser(PostgresDatabases.user());
        try (Connection c = new AwaitPrimaryDataSource(pg).getConnection()) {
            assertThat(c.isValid(2)).isTrue();
        }
        assertThat(pg.attempts.get()).isEqualTo(1);
    }

    /** pgjdbc's own data source, counting how often it is asked for a connection. */
    private static final class Counting extends PGSimpleDataSource {
        final AtomicInteger attempts = new AtomicInteger();

        Counting(String url) {
            setURL(url);
        }

        @Override
        public Connection getConnection() throws SQLException {
            attempts.incrementAndGet();
            return super.getConnection();
        }
    }
}
