package com.zeroui.kms.store;

import com.zeroui.kms.audit.CanonicalJson;
import com.zeroui.kms.auth.CallerIdentity;
import com.zeroui.kms.events.EventOutbox;
import com.zeroui.kms.events.EventType;
import com.zeroui.kms.events.KmsEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The event outbox over JDBC. {@link #append} runs inside another repository's transaction (the
 * key insert, the receipt batch), so an event commits exactly when its state change does.
 */
public final class JdbcEventOutbox implements EventOutbox {
    private static final String COLUMNS = "seq, event_id, event_type, tenant_id, ordering_key, ts, event_json";

    private final DataSource ds;

    public JdbcEventOutbox(Database database) {
        this.ds = database.dataSource();
    }

    /**
     * Inserts events in the caller's transaction. Numbers are taken from the head row under its
     * lock, held until that transaction ends: commit order equals sequence order on every node.
     */
    static void append(Connection c, List<KmsEvent> events) throws SQLException {
        if (events.isEmpty()) {
            return;
        }
        try (PreparedStatement head = c.prepareStatement(RESERVE_SQL); PreparedStatement insert = c.prepareStatement(INSERT_SQL)) {
            append(head, insert, events);
        }
    }

    static final String RESERVE_SQL = "UPDATE kms_event_head SET last_seq = last_seq + ? WHERE id = 1 RETURNING last_seq";
    static final String INSERT_SQL = "INSERT INTO kms_events (" + COLUMNS + ") VALUES (?,?,?,?,?,?,?)";

    /** {@link #append(Connection, List)} with statements the caller prepared (and keeps) on its connection. */
    static void append(PreparedStatement head, PreparedStatement insert, List<KmsEvent> events) throws SQLException {
        if (events.isEmpty()) {
            return;
        }
        long last;
        head.setInt(1, events.size());
        try (ResultSet rs = head.executeQuery()) {
            rs.next();
            last = rs.getLong(1);
        }
        long seq = last - events.size() + 1;
        for (KmsEvent e : events) {
            insert.setLong(1, seq++);
            insert.setString(2, e.eventId());
            insert.setString(3, e.type().apiName());
            insert.setString(4, e.tenantId());
            insert.setString(5, e.orderingKey());
            insert.setLong(6, e.ts().toEpochMilli());
            insert.setString(7, CanonicalJson.string(e.envelope()));
            insert.addBatch();
        }
        insert.executeBatch();
    }

    /** Events written on their own (no other state change in the same transaction). */
    public void append(List<KmsEvent> events) {
        Jdbc.transaction(ds, c -> {
            append(c, events);
            return null;
        });
    }

    @Override
    public List<StoredEvent> after(long afterSeq, String tenantId, int limit) {
        return Jdbc.read(ds, c -> {
            // a tenant also sees GLOBAL trust anchor changes: the global anchors are in its bundles
            String sql = "SELECT " + COLUMNS + " FROM kms_events WHERE seq > ?"
                    + (tenantId == null ? "" : " AND (tenant_id = ? OR (tenant_id = ? AND event_type = ?))")
                    + " ORDER BY seq LIMIT ?";
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                int i = 1;
                ps.setLong(i++, afterSeq);
                if (tenantId != null) {
                    ps.setString(i++, tenantId);
                    ps.setString(i++, CallerIdentity.GLOBAL_TENANT);
                    ps.setString(i++, EventType.TRUST_ANCHOR_UPDATED.apiName());
                }
                ps.setInt(i, limit);
                List<StoredEvent> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(event(rs));
                    }
                }
                return out;
            }
        });
    }

    private static StoredEvent event(ResultSet rs) throws SQLException {
        String type = rs.getString(3);
        return new StoredEvent(rs.getLong(1), rs.getString(2), EventType.fromApiName(type)
                .orElseThrow(() -> new IllegalStateException("stored event has unknown type " + type)),
                rs.getString(4), rs.getString(5), Instant.ofEpochMilli(rs.getLong(6)), rs.getString(7));
    }

    /** Behind kms_event_outbox_last_seq and the sinks' depth: one row, never a count of the events. */
    static final String LAST_SEQ_SQL = "SELECT last_seq FROM kms_event_head WHERE id = 1";

    @Override
    public long lastSeq() {
        return Jdbc.read(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement(LAST_SEQ_SQL);
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    @Override
    public Optional<Instant> timestampAfter(long seq) {
        return Jdbc.read(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT ts FROM kms_events WHERE seq = ?")) {
                ps.setLong(1, seq + 1);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(Instant.ofEpochMilli(rs.getLong(1))) : Optional.empty();
                }
            }
        });
    }

    @Override
    public long sinkCursor(String sink) {
        return Jdbc.read(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT delivered_seq FROM kms_event_sink_cursors WHERE sink = ?")) {
                ps.setString(1, sink);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getLong(1) : 0L;
                }
            }
        });
    }

    private static void ensureCursor(Connection c, String sink) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO kms_event_sink_cursors (sink, delivered_seq) "
                + "VALUES (?, 0) ON CONFLICT (sink) DO NOTHING")) {
            ps.setString(1, sink);
            ps.executeUpdate();
        }
    }

    @Override
    public boolean advanceSinkCursor(String sink, long from, long to) {
        return Jdbc.transaction(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE kms_event_sink_cursors SET delivered_seq = ? "
                    + "WHERE sink = ? AND delivered_seq = ?")) {
                ps.setLong(1, to);
                ps.setString(2, sink);
                ps.setLong(3, from);
                return ps.executeUpdate() == 1;
            }
        });
    }

    @Override
    public boolean acquireLease(String sink, String owner, Instant now, Instant until) {
        return Jdbc.transaction(ds, c -> {
            ensureCursor(c, sink);
            try (PreparedStatement ps = c.prepareStatement("UPDATE kms_event_sink_cursors SET lease_owner = ?, "
                    + "lease_until = ? WHERE sink = ? AND (lease_owner IS NULL OR lease_owner = ? OR lease_until < ?)")) {
                ps.setString(1, owner);
                ps.setLong(2, until.toEpochMilli());
                ps.setString(3, sink);
                ps.setString(4, owner);
                ps.setLong(5, now.toEpochMilli());
                return ps.executeUpdate() == 1;
            }
        });
    }

    @Override
    public java.util.Map<String, Long> sinkCursors() {
        return Jdbc.read(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT sink, delivered_seq FROM kms_event_sink_cursors");
                 ResultSet rs = ps.executeQuery()) {
                java.util.Map<String, Long> out = new java.util.TreeMap<>();
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getLong(2));
                }
                return out;
            }
        });
    }

    @Override
    public long prunedThrough() {
        return Jdbc.read(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT pruned_through FROM kms_event_head WHERE id = 1");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    @Override
    public List<java.util.Map.Entry<Long, Instant>> stamps(long afterSeq, int limit) {
        return Jdbc.read(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT seq, ts FROM kms_events WHERE seq > ? ORDER BY seq LIMIT ?")) {
                ps.setLong(1, afterSeq);
                ps.setInt(2, limit);
                List<java.util.Map.Entry<Long, Instant>> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(java.util.Map.entry(rs.getLong(1), Instant.ofEpochMilli(rs.getLong(2))));
                    }
                }
                return out;
            }
        });
    }

    @Override
    public int pruneThrough(long throughSeq, int limit) {
        return Jdbc.transaction(ds, c -> {
            long from;
            try (PreparedStatement ps = c.prepareStatement("SELECT pruned_through FROM kms_event_head WHERE id = 1");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                from = rs.getLong(1);
            }
            long to = Math.min(throughSeq, from + limit);
            if (to <= from) {
                return 0;
            }
            int removed;
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM kms_events WHERE seq > ? AND seq <= ?")) {
                ps.setLong(1, from);
                ps.setLong(2, to);
                removed = ps.executeUpdate();
            }
            // never lowered: another node may have pruned further meanwhile
            try (PreparedStatement ps = c.prepareStatement("UPDATE kms_event_head SET pruned_through = ? "
                    + "WHERE id = 1 AND pruned_through < ?")) {
                ps.setLong(1, to);
                ps.setLong(2, to);
                ps.executeUpdate();
            }
            return removed;
        });
    }
}
