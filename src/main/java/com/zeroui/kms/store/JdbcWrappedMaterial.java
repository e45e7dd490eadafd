package com.zeroui.kms.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * Every blob wrapped by the master key, across the tables that hold one (keys, CA keys, OCSP
 * responder keys), found by the master-key version that wrapped it. Master-key rotation and
 * migration page through these and replace each blob by compare-and-set, so a row another writer
 * changed meanwhile (a destruction erasing it) is left alone.
 */
public final class JdbcWrappedMaterial {
    /** Where a blob lives: its table, its row id, and (for keys) its tenant. */
    public enum Table {
        KEYS("kms_keys", "key_id", "wrapped_material", "tenant_id"),
        CA("kms_ca", "ca_id", "wrapped_private_key", null),
        OCSP_RESPONDERS("kms_ocsp_responders", "serial", "wrapped_private_key", null);

        private final String name;
        private final String idColumn;
        private final String blobColumn;
        private final String tenantColumn;

        Table(String name, String idColumn, String blobColumn, String tenantColumn) {
            this.name = name;
            this.idColumn = idColumn;
            this.blobColumn = blobColumn;
            this.tenantColumn = tenantColumn;
        }
    }

    /** One wrapped blob; {@code tenantId} is null outside the keys table. */
    public record Wrapped(Table table, String id, String tenantId, byte[] blob) {
    }

    private final DataSource ds;

    public JdbcWrappedMaterial(Database database) {
        this.ds = database.dataSource();
    }

    /** Up to {@code limit} non-empty blobs per table still wrapped by {@code masterKeyId}. */
    public List<Wrapped> wrappedBy(String masterKeyId, int limit) {
        return wrappedBy(masterKeyId, limit, java.util.EnumSet.allOf(Table.class));
    }

    /** As above, in {@code tables} only. */
    public List<Wrapped> wrappedBy(String masterKeyId, int limit, java.util.Set<Table> tables) {
        return Jdbc.read(ds, c -> {
            List<Wrapped> out = new ArrayList<>();
            for (Table t : tables) {
                String tenant = t.tenantColumn == null ? "NULL" : t.tenantColumn;
                try (PreparedStatement ps = c.prepareStatement("SELECT " + t.idColumn + ", " + tenant + ", " + t.blobColumn
                        + " FROM " + t.name + " WHERE master_key_id = ? ORDER BY " + t.idColumn + " LIMIT ?")) {
                    ps.setString(1, masterKeyId);
                    ps.setInt(2, limit);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            byte[] blob = rs.getBytes(3);
                            if (blob != null && blob.length > 0) {
                                out.add(new Wrapped(t, rs.getString(1), rs.getString(2), blob));
                            }
                        }
                    }
                }
            }
            return out;
        });
    }

    /** How many non-empty blobs {@code masterKeyId} still wraps: zero means the version may be destroyed. */
    public long countWrappedBy(String masterKeyId) {
        return Jdbc.read(ds, c -> {
            long total = 0;
            for (Table t : Table.values()) {
                try (PreparedStatement ps = c.prepareStatement("SELECT " + t.blobColumn + " FROM " + t.name
                        + " WHERE master_key_id = ?")) {
                    ps.setString(1, masterKeyId);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            byte[] blob = rs.getBytes(1);
                            total += blob != null && blob.length > 0 ? 1 : 0;
                        }
                    }
                }
            }
            return total;
        });
    }

    /** A new blob for a row, wrapped by {@code masterKeyId}. */
    public record Replacement(Wrapped old, byte[] blob, String masterKeyId) {
    }

    /**
     * In one transaction: every replacement (each by compare-and-set, all or none) and the named
     * values of kms_meta set, {@code metaRemove} removed. False, and nothing written, when a row changed.
     */
    public boolean replaceAllWithMeta(List<Replacement> replacements, String oldMasterKeyId, java.util.Map<String, String> meta,
                                      String metaRemove) {
        return Jdbc.transaction(ds, c -> {
            for (Replacement r : replacements) {
                if (!compareAndSet(c, r.old(), oldMasterKeyId, r.blob(), r.masterKeyId())) {
                    c.rollback();
                    return false;
                }
            }
            for (var entry : meta.entrySet()) {
                JdbcMetaRepository.upsert(c, entry.getKey(), entry.getValue());
            }
            JdbcMetaRepository.remove(c, metaRemove);
            return true;
        });
    }

    /** Replaces the blob if the row still holds {@code old} wrapped by {@code oldMasterKeyId}; false otherwise. */
    public boolean replace(Wrapped old, String oldMasterKeyId, byte[] blob, String masterKeyId) {
        return Jdbc.transaction(ds, c -> compareAndSet(c, old, oldMasterKeyId, blob, masterKeyId));
    }

    private static boolean compareAndSet(java.sql.Connection c, Wrapped old, String oldMasterKeyId, byte[] blob,
                                         String masterKeyId) throws java.sql.SQLException {
        Table t = old.table();
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + t.name + " SET " + t.blobColumn + " = ?, master_key_id = ?"
                + " WHERE " + t.idColumn + " = ? AND master_key_id = ? AND " + t.blobColumn + " = ?")) {
            ps.setBytes(1, blob);
            ps.setString(2, masterKeyId);
            ps.setString(3, old.id());
            ps.setString(4, oldMasterKeyId);
            ps.setBytes(5, old.blob());
            return ps.executeUpdate() == 1;
        }
    }
}
