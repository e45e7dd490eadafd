package com.zeroui.kms.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.zeroui.kms.keys.Environment;
import com.zeroui.kms.keys.KeyRepository.KeyFilter;
import com.zeroui.kms.keys.Plane;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The queries behind the metrics gauges and key listing, as SQLite plans them (EXPLAIN QUERY
 * PLAN on the real schema, with the statements the repositories run): a scrape or a page of keys
 * must cost a lookup or a range, not a pass over every key or receipt. The one full count left,
 * kms_keys_total, reads only an index and runs at most every 30 s (ScrapeCacheTest).
 */
class GaugeQueryPlanTest {
    private static StoreBackend.TempStore store;
    private static Database database;

    @BeforeAll
    static void open() {
        store = StoreBackend.SQLITE.create("plans");
        database = store.open();
    }

    @AfterAll
    static void close() {
        StoreBackend.close(store, database);
    }

    @Test
    void auditLogSizeAndOutboxDepthReadOneRowNotTheLog() throws SQLException {
        assertThat(plan(JdbcAuditRepository.SIZE_SQL)).allMatch(step -> step.startsWith("SEARCH kms_audit_head"));
        assertThat(plan(JdbcEventOutbox.LAST_SEQ_SQL)).allMatch(step -> step.startsWith("SEARCH kms_event_head"));
    }

    @Test
    void expiringCertificatesAreARangeOverTheirIndex() throws SQLException {
        // the range visits only certificates expiring within the window (the profile is read from their rows)
        assertThat(plan(JdbcCertificateStore.COUNT_EXPIRING_SQL))
                .containsExactly("SEARCH kms_issued_certificates USING INDEX kms_issued_certificates_expiry"
                        + " (status=? AND not_after>? AND not_after<?)");
    }

    @Test
    void aPageOfATenantsKeysIsARangeOnTheTenantIndexInKeyOrder() throws SQLException {
        for (KeyFilter filter : List.of(
                new KeyFilter("t1", null, null, null, null, null, null),
                new KeyFilter("t1", Environment.DEV, Plane.TENANT, null, null, null, "01a23c00-0000-7000-8000-000000000000"))) {
            List<String> steps = plan(JdbcKeyRepository.listSql(filter, 100, new ArrayList<>()));
            assertThat(steps).as("%s", filter).anyMatch(s -> s.startsWith("SEARCH kms_keys USING INDEX kms_keys_tenant"));
            assertThat(steps).as("no sort of the whole tenant: the index is in key order").noneMatch(s -> s.contains("TEMP B-TREE"));
            assertThat(steps).noneMatch(s -> s.startsWith("SCAN"));
        }
    }

    @Test
    void theKeyCountReadsOnlyItsIndexNeverTheTable() throws SQLException {
        assertThat(plan(JdbcKeyRepository.COUNT_BY_TYPE_AND_STATE))
                .containsExactly("SCAN kms_keys USING COVERING INDEX kms_keys_type_state");
    }

    /** The plan's steps, as SQLite words them ("SEARCH t USING INDEX i (a=?)", "SCAN t"). */
    private static List<String> plan(String sql) throws SQLException {
        List<String> steps = new ArrayList<>();
        try (Connection c = database.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("EXPLAIN QUERY PLAN " + sql);
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                steps.add(rs.getString("detail"));
            }
        }
        return steps;
    }
}
