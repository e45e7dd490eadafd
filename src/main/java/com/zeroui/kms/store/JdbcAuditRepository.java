package com.zeroui.kms.store;

import com.zeroui.kms.audit.AuditRepository;
import com.zeroui.kms.audit.MerkleFrontier;
import com.zeroui.kms.audit.TreeHead;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.LongFunction;
import javax.sql.DataSource;

/** {@link AuditRepository} over JDBC. Only inserts, plus the head counter that serialises appenders. */
public final class JdbcAuditRepository implements AuditRepository {
    private static final String RECEIPT_COLUMNS = "log_index, receipt_id, ts, tenant_id, key_id, operation, success, receipt_json";

    private final DataSource ds;

    public JdbcAuditRepository(Database database) {
        this.ds = database.dataSource();
    }

    @Override
    public void append(int count, LongFunction<Batch> build) {
        Jdbc.transaction(ds, c -> {
            long first = reserve(c, count);
            Batch batch = build.apply(first);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO kms_audit_receipts (" + RECEIPT_COLUMNS
                    + ") VALUES (?,?,?,?,?,?,?,?)")) {
                for (ReceiptRow r : batch.receipts()) {
                    ps.setLong(1, r.logIndex());
                    ps.setString(2, r.receiptId());
                    ps.setLong(3, r.ts().toEpochMilli());
                    ps.setString(4, r.tenantId());
                    ps.setString(5, r.keyId());
                    ps.setString(6, r.operation());
                    ps.setInt(7, r.success() ? 1 : 0);
                    ps.setString(8, r.json());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO kms_audit_nodes (level, node_index, hash) VALUES (?,?,?)")) {
                for (MerkleFrontier.Node n : batch.nodes()) {
                    ps.setInt(1, n.level());
                    ps.setLong(2, n.index());
                    ps.setBytes(3, n.hash());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            JdbcEventOutbox.append(c, batch.events()); // after the audit head: one lock order everywhere
            return null;
        });
    }

    /** Moves the head by {@code count} under its row lock and returns the first reserved index. */
    private static long reserve(Connection c, int count) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE kms_audit_head SET tree_size = tree_size + ? WHERE id = 1 RETURNING tree_size")) {
            ps.setInt(1, count);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1) - count;
            }
        }
    }

    @Override
    public long size() {
        return Jdbc.read(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT tree_size FROM kms_audit_head WHERE id = 1");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    @Override
    public byte[] perfect(int level, long index) {
        return Jdbc.read(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT hash FROM kms_audit_nodes WHERE level = ? AND node_index = ?")) {
                ps.setInt(1, level);
                ps.setLong(2, index);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw new MissingNodeException(level, index);
                    }
                    return rs.getBytes(1);
                }
            }
        });
    }

    @Override
    public Optional<ReceiptRow> findByReceiptId(String receiptId) {
        return Jdbc.read(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + RECEIPT_COLUMNS
                    + " FROM kms_audit_receipts WHERE receipt_id = ?")) {
                ps.setString(1, receiptId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(receipt(rs)) : Optional.empty();
                }
            }
        });
    }

    @Override
    public List<ReceiptRow> query(Query q, int limit) {
        StringBuilder sql = new StringBuilder("SELECT " + RECEIPT_COLUMNS + " FROM kms_audit_receipts WHERE 1=1");
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
                return receipts(ps);
            }
        });
    }

    @Override
    public List<ReceiptRow> range(long fromIndex, int limit) {
        return Jdbc.read(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + RECEIPT_COLUMNS
                    + " FROM kms_audit_receipts WHERE log_index >= ? ORDER BY log_index LIMIT ?")) {
                ps.setLong(1, fromIndex);
                ps.setInt(2, limit);
                return receipts(ps);
            }
        });
    }

    private static List<ReceiptRow> receipts(PreparedStatement ps) throws SQLException {
        List<ReceiptRow> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(receipt(rs));
            }
        }
        return out;
    }

    private static ReceiptRow receipt(ResultSet rs) throws SQLException {
        return new ReceiptRow(rs.getLong(1), rs.getString(2), Instant.ofEpochMilli(rs.getLong(3)), rs.getString(4),
                rs.getString(5), rs.getString(6), rs.getInt(7) == 1, rs.getString(8));
    }

    @Override
    public long sinkCursor(String sink) {
        return Jdbc.transaction(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO kms_receipt_sink_cursors (sink, delivered_up_to) "
                    + "VALUES (?, 0) ON CONFLICT (sink) DO NOTHING")) {
                ps.setString(1, sink);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT delivered_up_to FROM kms_receipt_sink_cursors WHERE sink = ?")) {
                ps.setString(1, sink);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    @Override
    public boolean advanceSinkCursor(String sink, long from, long to) {
        return Jdbc.transaction(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE kms_receipt_sink_cursors SET delivered_up_to = ? "
                    + "WHERE sink = ? AND delivered_up_to = ?")) {
                ps.setLong(1, to);
                ps.setString(2, sink);
                ps.setLong(3, from);
                return ps.executeUpdate() == 1;
            }
        });
    }

    @Override
    public void insertTreeHead(TreeHead head) {
        Jdbc.transaction(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO kms_audit_tree_heads (tree_size, root_hash, ts, "
                    + "key_id, signature) VALUES (?,?,?,?,?) ON CONFLICT (tree_size) DO NOTHING")) {
                ps.setLong(1, head.treeSize());
                ps.setString(2, head.rootHashHex());
                ps.setLong(3, head.timestamp().toEpochMilli());
                ps.setString(4, head.keyId());
                ps.setString(5, head.signatureBase64());
                return ps.executeUpdate();
            }
        });
    }

    @Override
    public Optional<TreeHead> latestTreeHead() {
        return Jdbc.read(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT tree_size, root_hash, ts, key_id, signature "
                    + "FROM kms_audit_tree_heads ORDER BY tree_size DESC LIMIT 1");
                 ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(head(rs)) : Optional.empty();
            }
        });
    }

    @Override
    public List<TreeHead> treeHeads() {
        return Jdbc.read(ds, c -> {
            List<TreeHead> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT tree_size, root_hash, ts, key_id, signature "
                    + "FROM kms_audit_tree_heads ORDER BY tree_size");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(head(rs));
                }
            }
            return out;
        });
    }

    private static TreeHead head(ResultSet rs) throws SQLException {
        return new TreeHead(rs.getLong(1), rs.getString(2), Instant.ofEpochMilli(rs.getLong(3)), rs.getString(4),
                rs.getString(5));
    }
}
