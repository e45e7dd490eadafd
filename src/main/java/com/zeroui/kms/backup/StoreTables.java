package com.zeroui.kms.backup;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/** What a backup reads from, and a restore checks in, a KMS database through plain JDBC on either engine. */
final class StoreTables {
    static final String SCHEMA_HISTORY = "kms_schema_history";

    private StoreTables() {
    }

    static String engine(Connection c) throws SQLException {
        String product = c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
        if (product.contains("sqlite")) {
            return "sqlite";
        }
        if (product.contains("postgres")) {
            return "postgresql";
        }
        throw new BackupException(BackupException.Kind.SOURCE, "unsupported database " + product);
    }

    /**
     * Starts the one transaction every read of a backup runs in, so that all tables come from the same
     * instant while writers go on: PostgreSQL's REPEATABLE READ snapshot, SQLite's WAL read transaction
     * (the connection must not begin IMMEDIATE transactions, or writers would wait for the backup).
     */
    static void beginSnapshot(Connection c) throws SQLException {
        if ("postgresql".equals(engine(c))) {
            c.setReadOnly(true);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        }
        c.setAutoCommit(false);
    }

    /** The service's tables (every {@code kms_} table but Flyway's history), sorted by name. */
    static List<String> tables(Connection c) throws SQLException {
        DatabaseMetaData meta = c.getMetaData();
        String schema = "postgresql".equals(engine(c)) ? c.getSchema() : null;
        List<String> tables = new ArrayList<>();
        try (ResultSet rs = meta.getTables(null, schema, "kms%", new String[] {"TABLE"})) {
            while (rs.next()) {
                String name = rs.getString("TABLE_NAME").toLowerCase(Locale.ROOT);
                if (name.startsWith("kms_") && !name.equals(SCHEMA_HISTORY) && TableStream.NAME.matcher(name).matches()) {
                    tables.add(name);
                }
            }
        }
        tables.sort(null);
        if (!tables.contains("kms_meta") || !tables.contains("kms_audit_head")) {
            throw new BackupException(BackupException.Kind.SOURCE, "the database holds no KMS tables");
        }
        return tables;
    }

    /** The highest successfully applied migration. */
    static int schemaVersion(Connection c) throws SQLException {
        int max = 0;
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT version FROM " + SCHEMA_HISTORY + " WHERE success = TRUE")) {
            while (rs.next()) {
                String v = rs.getString(1);
                if (v != null && v.matches("\\d+")) {
                    max = Math.max(max, Integer.parseInt(v));
                }
            }
        }
        return max;
    }

    static long count(Connection c, String table) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + TableStream.checkName(table))) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static long logSize(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT tree_size FROM kms_audit_head WHERE id = 1")) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    static String masterKeyBinding(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT value FROM kms_meta WHERE name = ?")) {
            ps.setString(1, "master_key_id");
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    static String hex(byte[] hash) {
        return HexFormat.of().formatHex(hash);
    }
}
