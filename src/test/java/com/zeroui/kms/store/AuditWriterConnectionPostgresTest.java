package com.zeroui.kms.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.zeroui.kms.audit.TestReceiptLog;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL only: a server that closes the audit writer's kept connection between batches (an
 * administrator, an idle timeout, a failover) costs no receipt: the next batch notices at its first
 * statement and starts over on a fresh connection from the pool.
 */
class AuditWriterConnectionPostgresTest {

    @Test
    void aKeptConnectionTheServerClosedIsReplacedWithoutFailingTheBatch() throws Exception {
        StoreBackend.TempStore store = StoreBackend.POSTGRESQL.create("writer_lost");
        Database database = store.open();
        try (TestReceiptLog log = new TestReceiptLog(database)) {
            List<String> first = log.append(3, Instant.parse("2024-03-01T00:00:00Z"));
            int terminated = terminateOtherBackends(store);
            assertThat(terminated).as("the pool's connections, the writer's among them").isPositive();

            List<String> next = log.append(2, Instant.parse("2024-03-01T00:01:00Z"));

            assertThat(log.repository.size()).isEqualTo(5);
            assertThat(log.repository.findByReceiptId(first.get(2)).orElseThrow().logIndex()).isEqualTo(2);
            assertThat(log.repository.findByReceiptId(next.get(0)).orElseThrow().logIndex()).isEqualTo(3);
        } finally {
            StoreBackend.close(store, database);
        }
    }

    /** Ends every other session on the test database, as pg_terminate_backend does for an operator. */
    private static int terminateOtherBackends(StoreBackend.TempStore store) throws Exception {
        java.util.Properties props = new java.util.Properties();
        props.setProperty("user", store.user());
        if (store.password() != null) {
            props.setProperty("password", store.password());
        }
        try (Connection admin = DriverManager.getConnection(store.url(), props);
             PreparedStatement ps = admin.prepareStatement("SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) "
                     + "FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
