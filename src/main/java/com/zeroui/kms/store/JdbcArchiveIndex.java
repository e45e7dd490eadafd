package com.zeroui.kms.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zeroui.kms.audit.ArchiveIndex;
import com.zeroui.kms.audit.AuditRepository;
import com.zeroui.kms.audit.CanonicalJson;
import com.zeroui.kms.audit.MerkleFrontier;
import com.zeroui.kms.audit.TreeHead;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/** {@link ArchiveIndex} over JDBC (tables of V24). */
public final class JdbcArchiveIndex implements ArchiveIndex {
    private static final String ENTRY_COLUMNS = "log_index, receipt_id, archive_first, byte_offset, byte_length, ts, "
            + "tenant_id, key_id, operation, success";
    private static final String ARCHIVE_COLUMNS = "first_index, end_index, nodes_file, end_head_json, start_frontier, "
            + "indexed_at, deleted_at, deletion_receipt_id";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DataSource ds;

    public JdbcArchiveIndex(Database database) {
        this.ds = database.dataSource();
    }

    @Override
    public void addEntries(List<Entry> entries) {
        Jdbc.transaction(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO kms_audit_archived_receipts (" + ENTRY_COLUMNS
                    + ") VALUES (?,?,?,?,?,?,?,?,?,?) ON CONFLICT (log_index) DO NOTHING")) {
                for (Entry e : entries) {
                    ps.setLong(1, e.logIndex());
                    ps.setString(2, e.receiptId());
                    ps.setLong(3, e.archiveFirstIndex());
                    ps.setLong(4, e.offset());
                    ps.setInt(5, e.length());
                    ps.setLong(6, e.ts().toEpochMilli());
                    ps.setString(7, e.tenantId());
                    ps.setString(8, e.keyId());
                    ps.setString(9, e.operation());
                    ps.setInt(10, e.success() ? 1 : 0);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    @Override
    public void recordArchive(Archive a) {
        Jdbc.transaction(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO kms_audit_archives (" + ARCHIVE_COLUMNS
                    + ") VALUES (?,?,?,?,?,?,?,?) ON CONFLICT (first_index) DO NOTHING")) {
                ps.setLong(1, a.firstIndex());
                ps.setLong(2, a.endIndex());
                ps.setString(3, a.nodesFile());
                ps.setString(4, CanonicalJson.string(a.endHead().view()));
                ps.setString(5, a.startFrontier().stream()
                        .map(n -> n.level() + ":" + n.index() + ":" + HexFormat.of().formatHex(n.hash()))
                        .collect(Collectors.joining(",")));
                ps.setLong(6, a.indexedAt().toEpochMilli());
                ps.setNull(7, Types.BIGINT);
                ps.setNull(8, Types.VARCHAR);
                ps.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public Optional<Archive> archive(long firstIndex) {
        return Jdbc.read(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + ARCHIVE_COLUMNS
                    + " FROM kms_audit_archives WHERE first_index = ?")) {
                ps.setLong(1, firstIndex);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(archive(rs)) : Optional.empty();
                }
            }
        });
    }

    @Override
    public List<Archive> archives() {
        return Jdbc.read(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + ARCHIVE_COLUMNS
                    + " FROM kms_audit_archives ORDER BY first_index");
                 ResultSet rs = ps.executeQuery()) {
                List<Archive> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(archive(rs));
                }
                return out;
            }
        });
    }

    @Override
    public Optional<Entry> findByReceiptId(String receiptId) {
        return Jdbc.read(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + ENTRY_COLUMNS
                    + " FROM kms_audit_archived_receipts WHERE receipt_id = ?")) {
                ps.setString(1, receiptId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(entry(rs)) : Optional.empty();
                }
            }
        });
    }

    @Override
    public List<Entry> query(AuditRepository.Query q, int limit) {
        StringBuilder sql = new StringBuilder("SELECT " + ENTRY_COLUMNS + " FROM kms_audit_archived_receipts WHERE 1=1");
        List<Object> args = new ArrayList<>();
        if (q.tenantId() != null) {
            sql.append(" AND tenant_id = ?");
            args.add(q.tenantId());
        }
        if (q.keyId() != null) {
            sql.append(" AND key_id = ?");
            args.add(q.keyId());
        }
        if (q.operation() != null) {
            sql.append(" AND operation = ?");
            args.add(q.operation());
        }
        if (q.from() != null) {
            sql.append(" AND ts >= ?");
            args.add(q.from().toEpochMilli());
        }
        if (q.to() != null) {
            sql.append(" AND ts < ?");
            args.add(q.to().toEpochMilli());
        }
        if (q.success() != null) {
            sql.append(" AND success = ?");
            args.add(q.success() ? 1 : 0);
        }
        if (q.afterIndex() != null) {
            sql.append(" AND log_index > ?");
            args.add(q.afterIndex());
        }
        sql.append(" ORDER BY log_index LIMIT ?");
        args.add(limit);
        return Jdbc.read(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                for (int i = 0; i < args.size(); i++) {
                    ps.setObject(i + 1, args.get(i));
                }
                List<Entry> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(entry(rs));
                    }
                }
                return out;
            }
        });
    }

    @Override
    public int removeEntries(long firstIndex, int limit) {
        return Jdbc.transaction(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM kms_audit_archived_receipts WHERE log_index IN ("
                    + "SELECT log_index FROM kms_audit_archived_receipts WHERE archive_first = ? ORDER BY log_index LIMIT ?)")) {
                ps.setLong(1, firstIndex);
                ps.setInt(2, limit);
                return ps.executeUpdate();
            }
        });
    }

    @Override
    public void markDeleted(long firstIndex, Instant at, String receiptId) {
        Jdbc.transaction(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE kms_audit_archives SET deleted_at = ?, "
                    + "deletion_receipt_id = ? WHERE first_index = ? AND deleted_at IS NULL")) {
                ps.setLong(1, at.toEpochMilli());
                ps.setString(2, receiptId);
                ps.setLong(3, firstIndex);
                ps.executeUpdate();
            }
            return null;
        });
    }

    private static Entry entry(ResultSet rs) throws SQLException {
        return new Entry(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getInt(5),
                Instant.ofEpochMilli(rs.getLong(6)), rs.getString(7), rs.getString(8), rs.getString(9), rs.getInt(10) == 1);
    }

    private static Archive archive(ResultSet rs) throws SQLException {
        JsonNode head;
        try {
            head = JSON.readTree(rs.getString(4));
        } catch (IOException e) {
            throw new UncheckedIOException("stored tree head of archive " + rs.getLong(1) + " is not JSON", e);
        }
        List<MerkleFrontier.Node> frontier = new ArrayList<>();
        String edge = rs.getString(5);
        if (!edge.isEmpty()) {
            for (String part : edge.split(",")) {
                String[] f = part.split(":");
                frontier.add(new MerkleFrontier.Node(Integer.parseInt(f[0]), Long.parseLong(f[1]), HexFormat.of().parseHex(f[2])));
            }
        }
        long deleted = rs.getLong(7);
        Instant deletedAt = rs.wasNull() ? null : Instant.ofEpochMilli(deleted);
        return new Archive(rs.getLong(1), rs.getLong(2), rs.getString(3),
                new TreeHead(head.get("tree_size").asLong(), head.get("root_hash").asText(),
                        Instant.parse(head.get("timestamp").asText()), head.get("key_id").asText(),
                        head.get("signature").asText()),
                frontier, Instant.ofEpochMilli(rs.getLong(6)), deletedAt, rs.getString(8));
    }
}
