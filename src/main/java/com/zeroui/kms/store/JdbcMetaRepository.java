package com.zeroui.kms.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Optional;
import javax.sql.DataSource;

/** Small named values the service binds itself to at first start (e.g. the master key id). */
public final class JdbcMetaRepository {
    private final DataSource ds;

    public JdbcMetaRepository(Database database) {
        this.ds = database.dataSource();
    }

    public Optional<String> get(String name) {
        return Jdbc.read(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT value FROM kms_meta WHERE name = ?")) {
                ps.setString(1, name);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
                }
            }
        });
    }

    /** Sets the value only if absent; returns the value now stored (ours or an earlier writer's). */
    public String putIfAbsent(String name, String value) {
        return Jdbc.transaction(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO kms_meta (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING")) {
                ps.setString(1, name);
                ps.setString(2, value);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT value FROM kms_meta WHERE name = ?")) {
                ps.setString(1, name);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getString(1);
                }
            }
        });
    }

    /** Sets the value, replacing any earlier one. */
    public void put(String name, String value) {
        Jdbc.transaction(ds, c -> {
            upsert(c, name, value);
            return null;
        });
    }

    public void delete(String name) {
        Jdbc.transaction(ds, c -> {
            remove(c, name);
            return null;
        });
    }

    /** Within a caller's transaction (e.g. the one that re-binds the master key). */
    static void upsert(java.sql.Connection c, String name, String value) throws java.sql.SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO kms_meta (name, value) VALUES (?, ?)"
                + " ON CONFLICT (name) DO UPDATE SET value = excluded.value")) {
            ps.setString(1, name);
            ps.setString(2, value);
            ps.executeUpdate();
        }
    }

    static void remove(java.sql.Connection c, String name) throws java.sql.SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM kms_meta WHERE name = ?")) {
            ps.setString(1, name);
            ps.executeUpdate();
        }
    }

    public long countKeys() {
        return Jdbc.read(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM kms_keys");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }
}
