package com.zeroui.kms.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

@ParameterizedClass(name = "{0}")
@EnumSource(StoreBackend.class)
class DatabaseTest {
    private static final List<String> TABLES = List.of("kms_meta", "kms_keys", "kms_ca", "kms_issued_certificates",
            "kms_audit_receipts", "kms_audit_nodes", "kms_audit_tree_heads", "kms_receipt_sink_cursors",
            "kms_events", "kms_event_sink_cursors", "kms_audit_seals", "kms_approvals", "kms_approval_external_uses",
            "kms_key_usage_daily", "kms_external_crls",
            "kms_crls", "kms_ocsp_responders", "kms_trust_anchors", "kms_trust_versions");
    private static StoreBackend.TempStore store;
    private static Database database;

    @Parameter(0)
    StoreBackend backend;

    @BeforeParameterizedClassInvocation
    static void open(StoreBackend backend) {
        store = backend.create("database");
        database = store.open();
    }

    @AfterParameterizedClassInvocation
    static void close() {
        StoreBackend.close(store, database);
        database = null;
        store = null;
    }

    @Test
    void detectsItsDialectFromTheUrl() {
        assertThat(database.dialect()).isEqualTo(backend == StoreBackend.SQLITE ? Database.Dialect.SQLITE
                : Database.Dialect.POSTGRESQL);
    }

    @Test
    void openMigratesAFreshStoreToTheWholeSchema() throws SQLException {
        try (StoreBackend.TempStore fresh = backend.create("fresh"); Database db = fresh.open()) {
            for (String table : TABLES) {
                assertThat(count(db, "SELECT COUNT(*) FROM " + table)).as(table).isZero();
            }
            assertThat(appliedMigrations(db)).containsExactlyElementsOf(shippedMigrations());
            assertThat(count(db, "SELECT tree_size FROM kms_audit_head WHERE id = 1")).as("empty log").isZero();
            assertThat(count(db, "SELECT last_seq FROM kms_event_head WHERE id = 1")).as("empty outbox").isZero();
            assertThat(count(db, "SELECT version FROM kms_trust_head WHERE id = 1")).as("no trust store change").isZero();
        }
    }

    /** The schema version of the last release: every migration added since must number above it. */
    private static final int LAST_RELEASED_SCHEMA = 18;

    @Test
    void aStoreOfTheLastReleaseUpgradesToTheWholeSchema() throws SQLException {
        try (StoreBackend.TempStore released = backend.create("released")) {
            try (Database old = Database.openAtSchemaVersion(released.url(), released.user(), released.password(),
                    LAST_RELEASED_SCHEMA)) {
                assertThat(appliedMigrations(old)).allSatisfy(v -> assertThat(Integer.parseInt(v))
                        .isLessThanOrEqualTo(LAST_RELEASED_SCHEMA));
            }
            // Flyway refuses a migration numbered below what a store already has (no outOfOrder), so a new
            // migration with a low number would stop every upgraded node at start-up
            try (Database upgraded = released.open()) {
                assertThat(appliedMigrations(upgraded)).containsExactlyElementsOf(shippedMigrations());
            }
        }
    }

    @Test
    void reopeningAMigratedStoreChangesNothing() throws SQLException {
        new JdbcMetaRepository(database).putIfAbsent("reopen-check", "kept");
        // A second pool on the same store, as a second node or a restart would open it.
        try (Database again = store.open()) {
            assertThat(new JdbcMetaRepository(again).get("reopen-check")).contains("kept");
        }
        try (Database third = store.open()) {
            assertThat(new JdbcMetaRepository(third).get("reopen-check")).contains("kept");
        }
        assertThat(appliedMigrations(database)).containsExactlyElementsOf(shippedMigrations());
        database.ping();
    }

    @Test
    void binaryColumnsUseTheEnginesByteType() throws SQLException {
        String sql = backend == StoreBackend.SQLITE
                ? "SELECT type FROM pragma_table_info(?) WHERE name = ?"
                : "SELECT data_type FROM information_schema.columns WHERE table_name = ? AND column_name = ?";
        String expected = backend == StoreBackend.SQLITE ? "blob" : "bytea";
        for (String[] column : new String[][] {{"kms_keys", "public_key"}, {"kms_keys", "wrapped_material"},
                {"kms_ca", "wrapped_private_key"}, {"kms_crls", "crl_der"}, {"kms_ocsp_responders", "wrapped_private_key"}}) {
            try (Connection c = database.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, column[0]);
                ps.setString(2, column[1]);
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).as("%s.%s", column[0], column[1]).isTrue();
                    assertThat(rs.getString(1).toLowerCase(Locale.ROOT)).as("%s.%s", column[0], column[1])
                            .isEqualTo(expected);
                }
            }
        }
    }

    /** Every migration this build ships (db/migration/V<n>__*.sql), in version order. */
    private static List<String> shippedMigrations() {
        try (var files = java.nio.file.Files.list(java.nio.file.Path.of(
                DatabaseTest.class.getClassLoader().getResource("db/migration").toURI()))) {
            return files.map(f -> f.getFileName().toString())
                    .filter(n -> n.matches("V\\d+__.*\\.sql"))
                    .map(n -> n.substring(1, n.indexOf("__")))
                    .sorted(java.util.Comparator.comparingInt(Integer::parseInt))
                    .toList();
        } catch (java.io.IOException | java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> appliedMigrations(Database db) throws SQLException {
        List<String> versions = new ArrayList<>();
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT version FROM kms_schema_history WHERE success = ? "
                     + "AND version IS NOT NULL ORDER BY installed_rank")) {
            ps.setBoolean(1, true);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    versions.add(rs.getString(1));
                }
            }
        }
        return versions;
    }

    private static long count(Database db, String sql) throws SQLException {
        try (Connection c = db.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql);
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
