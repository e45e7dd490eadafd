package com.zeroui.kms.store;

import com.zeroui.kms.audit.AuditRepository;
import com.zeroui.kms.audit.MerkleFrontier;
import com.zeroui.kms.audit.TreeHead;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.function.LongFunction;
import javax.sql.DataSource;

/**
 * {@link AuditRepository} over JDBC. Appending only inserts (plus the head counter that serialises
 * appenders); rows are removed only by sealing, after their archive is verified and recorded.
 */
public final class JdbcAuditRepository implements AuditRepository {
    private static final String RECEIPT_COLUMNS = "log_index, receipt_id, ts, tenant_id, key_id, operation, success, receipt_json";

    private final DataSource ds;
    private final Database.Dialect dialect;

    public JdbcAuditRepository(Database database) {
        this.ds = database.dataSource();
        this.dialect = database.dialect();
    }

    static final String RESERVE_SQL = "UPDATE kms_audit_head SET tree_size = tree_size + ? WHERE id = 1 RETURNING tree_size";
    private static final String RECEIPT_INSERT = "INSERT INTO kms_audit_receipts (" + RECEIPT_COLUMNS
            + ") VALUES (?,?,?,?,?,?,?,?)";
    private static final String NODE_INSERT = "INSERT INTO kms_audit_nodes (level, node_index, hash) VALUES (?,?,?)";

    /** The writer's connection and statements between batches (ADR 0039); guarded by {@code this}. */
    private AuditWriterConnection writer;

    /**
     * One transaction per batch on the writer's kept connection. A connection found lost at the
     * first statement (the server closed it between batches, or while the pool held it) is
     * discarded and the batch starts over once on another, checked first: nothing was built or written yet. Any
     * other failure rolls back, discards the connection and reaches the caller.
     */
    @Override
    public synchronized void append(int count, LongFunction<Batch> build) {
        try {
            long now = System.nanoTime();
            if (writer != null && writer.expired(now)) {
                writer.close();
                writer = null;
            }
            for (boolean retry = true; ; retry = false) {
                AuditWriterConnection w = connection(!retry);
                long first;
                try {
                    w.begin();
                    first = reserve(w.reserve, count);
                } catch (SQLException | RuntimeException e) {
                    discardWriter();
                    if (retry && connectionLost(e)) {
                        continue; // once, on another connection from the pool
                    }
                    throw e;
                }
                try {
                    Batch batch = build.apply(first);
                    insert(w, batch);
                    w.commit();
                    return;
                } catch (SQLException | RuntimeException e) {
                    discardWriter();
                    throw e;
                }
            }
        } catch (SQLException e) {
            throw Jdbc.translate(e);
        }
    }

    /** The connection itself failed (PostgreSQL: lost, or closed by the server), not the statement. */
    private static boolean connectionLost(Exception e) {
        String state = e instanceof SQLException se && se.getSQLState() != null ? se.getSQLState() : "";
        return state.startsWith("08") || state.startsWith("57P");
    }

    @Override
    public synchronized void writerIdle() {
        if (writer != null) {
            writer.close();
            writer = null;
        }
    }

    /** The writer's kept connection (the pool's proxy: a new borrow is a new object), or null. */
    synchronized Connection writerConnection() {
        return writer == null ? null : writer.connection();
    }

    private AuditWriterConnection connection(boolean validate) throws SQLException {
        if (writer == null) {
            writer = AuditWriterConnection.open(ds, dialect, RECEIPT_INSERT, NODE_INSERT, validate);
        }
        return writer;
    }

    private void discardWriter() {
        if (writer != null) {
            writer.discard();
            writer = null;
        }
    }

    private static void insert(AuditWriterConnection w, Batch batch) throws SQLException {
        PreparedStatement ps = w.receipts;
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
        ps = w.nodes;
        for (MerkleFrontier.Node n : batch.nodes()) {
            ps.setInt(1, n.level());
            ps.setLong(2, n.index());
            ps.setBytes(3, n.hash());
            ps.addBatch();
        }
        ps.executeBatch();
        JdbcEventOutbox.append(w.eventHead, w.events, batch.events()); // after the audit head: one lock order everywhere
    }

    /** Moves the head by {@code count} under its row lock and returns the first reserved index. */
    private static long reserve(PreparedStatement ps, int count) throws SQLException {
        ps.setInt(1, count);
        try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1) - count;
        }
    }

    /** Behind kms_audit_log_size: one row, never a count of the receipts. */
    static final String SIZE_SQL = "SELECT tree_size FROM kms_audit_head WHERE id = 1";

    @Override
    public long size() {
        return Jdbc.read(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement(SIZE_SQL);
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
    public Map<Long, byte[]> perfectRange(int level, long fromIndex, long toIndex) {
        return Jdbc.read(ds, c -> {
            Map<Long, byte[]> out = new TreeMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT node_index, hash FROM kms_audit_nodes "
                    + "WHERE level = ? AND node_index >= ? AND node_index <= ?")) {
                ps.setInt(1, level);
                ps.setLong(2, fromIndex);
                ps.setLong(3, toIndex);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.put(rs.getLong(1), rs.getBytes(2));
                    }
                }
            }
            return out;
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
            // the tenant the receipt signs (indexed), not the unsigned column: changing that hides nothing
            sql.append(" AND ").append(SignedReceiptSql.tenant(dialect)).append(" = ?");
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
                return receipts(ps);
            }
        });
    }

    @Override
    public Optional<ColumnMismatch> firstColumnMismatch(long fromIndex, long toIndex) {
        String tenant = SignedReceiptSql.tenant(dialect);
        String id = SignedReceiptSql.receiptId(dialect);
        String operation = SignedReceiptSql.operation(dialect);
        String key = SignedReceiptSql.keyId(dialect);
        String sql = "SELECT log_index, tenant_id, " + tenant + ", receipt_id, " + id + ", operation, " + operation
                + ", key_id, " + key + " FROM kms_audit_receipts WHERE log_index >= ? AND log_index < ? AND ("
                + tenant + " IS DISTINCT FROM tenant_id OR " + id + " IS DISTINCT FROM receipt_id OR " + operation
                + " IS DISTINCT FROM operation OR " + key + " IS DISTINCT FROM key_id) ORDER BY log_index LIMIT 1";
        return Jdbc.read(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setLong(1, fromIndex);
                ps.setLong(2, toIndex);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    String[] columns = {"tenant_id", "receipt_id", "operation", "key_id"};
                    for (int i = 0; i < columns.length; i++) {
                        String stored = rs.getString(2 + 2 * i);
                        String signed = rs.getString(3 + 2 * i);
                        if (!java.util.Objects.equals(stored, signed)) {
                            return Optional.of(new ColumnMismatch(rs.getLong(1), columns[i], stored, signed));
                        }
                    }
                    throw new IllegalStateException("receipt " + rs.getLong(1) + " matched a column mismatch but none differs");
                }
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
        insertTreeHead(head, List.of());
    }

    @Override
    public void insertTreeHead(TreeHead head, List<com.zeroui.kms.events.KmsEvent> events) {
        Jdbc.transaction(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO kms_audit_tree_heads (tree_size, root_hash, ts, "
                    + "key_id, signature) VALUES (?,?,?,?,?) ON CONFLICT (tree_size) DO NOTHING")) {
                ps.setLong(1, head.treeSize());
                ps.setString(2, head.rootHashHex());
                ps.setLong(3, head.timestamp().toEpochMilli());
                ps.setString(4, head.keyId());
                ps.setString(5, head.signatureBase64());
                if (ps.executeUpdate() == 1) {
                    JdbcEventOutbox.append(c, events);
                }
                return null;
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
    public List<TreeHead> treeHeads(long fromSize, long toSize, int limit) {
        return Jdbc.read(ds, c -> {
            List<TreeHead> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT tree_size, root_hash, ts, key_id, signature "
                    + "FROM kms_audit_tree_heads WHERE tree_size >= ? AND tree_size <= ? ORDER BY tree_size LIMIT ?")) {
                ps.setLong(1, fromSize);
                ps.setLong(2, toSize);
                ps.setInt(3, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(head(rs));
                    }
                }
            }
            return out;
        });
    }

    @Override
    public Optional<TreeHead> treeHead(long size) {
        return Jdbc.read(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT tree_size, root_hash, ts, key_id, signature "
                    + "FROM kms_audit_tree_heads WHERE tree_size = ?")) {
                ps.setLong(1, size);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(head(rs)) : Optional.empty();
                }
            }
        });
    }

    @Override
    public Map<String, Long> sinkCursors() {
        return Jdbc.read(ds, c -> {
            Map<String, Long> out = new TreeMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT sink, delivered_up_to FROM kms_receipt_sink_cursors");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getLong(2));
                }
            }
            return out;
        });
    }

    // ---- seals ------------------------------------------------------------------------------

    private static final String SEAL_COLUMNS = "first_index, end_index, archive_file, archive_sha256, root_hash, "
            + "first_ts, last_ts, sealed_at, receipt_index";

    @Override
    public Optional<Seal> latestSeal() {
        return Jdbc.read(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + SEAL_COLUMNS
                    + " FROM kms_audit_seals ORDER BY first_index DESC LIMIT 1");
                 ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(seal(rs)) : Optional.empty();
            }
        });
    }

    @Override
    public List<Seal> seals() {
        return Jdbc.read(ds, c -> {
            List<Seal> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT " + SEAL_COLUMNS + " FROM kms_audit_seals ORDER BY first_index");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(seal(rs));
                }
            }
            return out;
        });
    }

    @Override
    public Optional<Seal> sealCovering(Instant ts, Duration slack) {
        return Jdbc.read(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + SEAL_COLUMNS + " FROM kms_audit_seals "
                    + "WHERE first_ts <= ? AND last_ts >= ? ORDER BY first_index LIMIT 1")) {
                ps.setLong(1, ts.toEpochMilli() + slack.toMillis());
                ps.setLong(2, ts.toEpochMilli() - slack.toMillis());
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(seal(rs)) : Optional.empty();
                }
            }
        });
    }

    @Override
    public boolean insertSeal(Seal seal) {
        return Jdbc.transaction(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT MAX(end_index) FROM kms_audit_seals");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                long sealedUpTo = rs.getLong(1); // 0 when there is no seal yet
                if (sealedUpTo != seal.firstIndex()) {
                    return false;
                }
            }
            // ON CONFLICT: another sealer may record the same start between our check and this insert
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO kms_audit_seals (" + SEAL_COLUMNS
                    + ") VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING")) {
                ps.setLong(1, seal.firstIndex());
                ps.setLong(2, seal.endIndex());
                ps.setString(3, seal.archiveFile());
                ps.setString(4, seal.archiveSha256());
                ps.setString(5, seal.rootHash());
                ps.setLong(6, seal.firstTs().toEpochMilli());
                ps.setLong(7, seal.lastTs().toEpochMilli());
                ps.setLong(8, seal.sealedAt().toEpochMilli());
                if (seal.receiptIndex() == null) {
                    ps.setNull(9, Types.BIGINT);
                } else {
                    ps.setLong(9, seal.receiptIndex());
                }
                return ps.executeUpdate() == 1;
            }
        });
    }

    @Override
    public void setSealReceiptIndex(long firstIndex, long receiptIndex) {
        Jdbc.transaction(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE kms_audit_seals SET receipt_index = ? WHERE first_index = ? AND receipt_index IS NULL")) {
                ps.setLong(1, receiptIndex);
                ps.setLong(2, firstIndex);
                return ps.executeUpdate();
            }
        });
    }

    @Override
    public OptionalLong firstIndexStampedFrom(Instant ts, long fromIndex) {
        return Jdbc.read(ds, c -> {
            // an operator command, not a request path: ts has no index, the scan stops at the first match
            try (PreparedStatement ps = c.prepareStatement("SELECT log_index FROM kms_audit_receipts "
                    + "WHERE log_index >= ? AND ts >= ? ORDER BY log_index LIMIT 1")) {
                ps.setLong(1, fromIndex);
                ps.setLong(2, ts.toEpochMilli());
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
                }
            }
        });
    }

    @Override
    public int removeReceiptsBelow(long endIndex, int limit) {
        return Jdbc.transaction(ds, c -> {
            long from;
            try (PreparedStatement ps = c.prepareStatement("SELECT MIN(log_index) FROM kms_audit_receipts WHERE log_index < ?")) {
                ps.setLong(1, endIndex);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    from = rs.getLong(1);
                    if (rs.wasNull()) {
                        return 0;
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "DELETE FROM kms_audit_receipts WHERE log_index >= ? AND log_index < ?")) {
                ps.setLong(1, from);
                ps.setLong(2, Math.min(endIndex, from + limit));
                return ps.executeUpdate();
            }
        });
    }

    @Override
    public int removeNodesBelow(long endIndex, int limit) {
        return Jdbc.transaction(ds, c -> {
            for (int level = 0; level < 63 && (endIndex >> level) > 0; level++) {
                // nodes (level, i) with i < endIndex >> level lie wholly before leaf endIndex; the last
                // of them is on the frontier at endIndex exactly when that index is even: keep it
                long below = (endIndex >> level) - ((endIndex >> level) & 1);
                long from;
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT MIN(node_index) FROM kms_audit_nodes WHERE level = ? AND node_index < ?")) {
                    ps.setInt(1, level);
                    ps.setLong(2, below);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        from = rs.getLong(1);
                        if (rs.wasNull()) {
                            continue;
                        }
                    }
                }
                try (PreparedStatement ps = c.prepareStatement(
                        "DELETE FROM kms_audit_nodes WHERE level = ? AND node_index >= ? AND node_index < ?")) {
                    ps.setInt(1, level);
                    ps.setLong(2, from);
                    ps.setLong(3, Math.min(below, from + limit));
                    return ps.executeUpdate();
                }
            }
            return 0;
        });
    }

    @Override
    public int removeTreeHeadsBelow(long size) {
        return Jdbc.transaction(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM kms_audit_tree_heads WHERE tree_size < ?")) {
                ps.setLong(1, size);
                return ps.executeUpdate();
            }
        });
    }

    private static Seal seal(ResultSet rs) throws SQLException {
        long receiptIndex = rs.getLong(9);
        boolean noReceipt = rs.wasNull(); // before any other column is read
        return new Seal(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5),
                Instant.ofEpochMilli(rs.getLong(6)), Instant.ofEpochMilli(rs.getLong(7)), Instant.ofEpochMilli(rs.getLong(8)),
                noReceipt ? null : receiptIndex);
    }

    private static TreeHead head(ResultSet rs) throws SQLException {
        return new TreeHead(rs.getLong(1), rs.getString(2), Instant.ofEpochMilli(rs.getLong(3)), rs.getString(4),
                rs.getString(5));
    }
}
