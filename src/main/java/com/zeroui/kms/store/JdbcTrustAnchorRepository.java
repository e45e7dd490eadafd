package com.zeroui.kms.store;

import com.zeroui.kms.auth.CallerIdentity;
import com.zeroui.kms.error.KmsException;
import com.zeroui.kms.events.KmsEvent;
import com.zeroui.kms.keys.Plane;
import com.zeroui.kms.trust.anchors.AnchorType;
import com.zeroui.kms.trust.anchors.TrustAnchor;
import com.zeroui.kms.trust.anchors.TrustAnchorRepository;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.LongFunction;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/**
 * {@link TrustAnchorRepository} over JDBC, one SQL dialect for SQLite and PostgreSQL. A change
 * holds the head row's lock from its first statement to its commit, so change numbers are
 * gap-free and commit-ordered on every node, like the event outbox's sequence.
 */
public final class JdbcTrustAnchorRepository implements TrustAnchorRepository {
    private static final String COLUMNS = "anchor_id, tenant_id, anchor_type, planes, fingerprint_sha256, subject, "
            + "not_before, not_after, key_size_bits, certificate_pem, version, created_at, created_by, "
            + "revoked_at, revocation_reason, revoked_by";
    /** Optimistic bundle reads before one that holds the head lock (only under a stream of changes). */
    private static final int BUNDLE_READ_ATTEMPTS = 5;

    private final DataSource ds;

    public JdbcTrustAnchorRepository(Database database) {
        this.ds = database.dataSource();
    }

    @Override
    public long insert(TrustAnchor a, LongFunction<List<KmsEvent>> events) {
        try {
            return Jdbc.transaction(ds, c -> {
                long version = nextVersion(c);
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO kms_trust_anchors (" + COLUMNS
                        + ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,NULL,NULL,NULL)")) {
                    int i = 1;
                    ps.setString(i++, a.anchorId());
                    ps.setString(i++, a.tenantId());
                    ps.setString(i++, a.type().apiName());
                    ps.setString(i++, planes(a.planes()));
                    ps.setString(i++, a.fingerprintSha256());
                    ps.setString(i++, a.subject());
                    ps.setLong(i++, a.notBefore().toEpochMilli());
                    ps.setLong(i++, a.notAfter().toEpochMilli());
                    ps.setInt(i++, a.keySizeBits());
                    ps.setString(i++, a.certificatePem());
                    ps.setLong(i++, version);
                    ps.setLong(i++, a.createdAt().toEpochMilli());
                    ps.setString(i, a.createdBy());
                    ps.executeUpdate();
                }
                recordVersion(c, a.tenantId(), a.planes(), version);
                JdbcEventOutbox.append(c, events.apply(version));
                return version;
            });
        } catch (KmsException e) {
            if (e.getCause() instanceof SQLException sql && Jdbc.isUniqueViolation(sql)) {
                throw new DuplicateAnchorException(a.tenantId(), a.fingerprintSha256());
            }
            throw e;
        }
    }

    @Override
    public OptionalLong remove(String anchorId, LongFunction<List<KmsEvent>> events) {
        return Jdbc.transaction(ds, c -> {
            lockHead(c); // before the delete: a concurrent removal of the same anchor then finds nothing
            Optional<TrustAnchor> removed;
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM kms_trust_anchors WHERE anchor_id = ? RETURNING "
                    + COLUMNS)) {
                ps.setString(1, anchorId);
                removed = single(ps);
            }
            if (removed.isEmpty()) {
                return OptionalLong.empty();
            }
            long version = nextVersion(c);
            recordVersion(c, removed.get().tenantId(), removed.get().planes(), version);
            JdbcEventOutbox.append(c, events.apply(version));
            return OptionalLong.of(version);
        });
    }

    @Override
    public OptionalLong revoke(String anchorId, TrustAnchor.Revocation revocation, LongFunction<List<KmsEvent>> events) {
        return Jdbc.transaction(ds, c -> {
            lockHead(c); // before the update: a concurrent revocation of the same anchor then finds it revoked
            Optional<TrustAnchor> revoked;
            try (PreparedStatement ps = c.prepareStatement("UPDATE kms_trust_anchors SET revoked_at = ?, "
                    + "revocation_reason = ?, revoked_by = ? WHERE anchor_id = ? AND revoked_at IS NULL RETURNING " + COLUMNS)) {
                ps.setLong(1, revocation.revokedAt().toEpochMilli());
                ps.setString(2, revocation.reason());
                ps.setString(3, revocation.revokedBy());
                ps.setString(4, anchorId);
                revoked = single(ps);
            }
            if (revoked.isEmpty()) {
                return OptionalLong.empty();
            }
            long version = nextVersion(c);
            recordVersion(c, revoked.get().tenantId(), revoked.get().planes(), version);
            JdbcEventOutbox.append(c, events.apply(version));
            return OptionalLong.of(version);
        });
    }

    @Override
    public List<TrustAnchor> revoked(String tenantId) {
        return Jdbc.read(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM kms_trust_anchors "
                    + "WHERE tenant_id IN (?, ?) AND revoked_at IS NOT NULL ORDER BY anchor_id")) {
                ps.setString(1, CallerIdentity.GLOBAL_TENANT);
                ps.setString(2, tenantId);
                return all(ps);
            }
        });
    }

    /** Takes the head row's lock without changing it (PostgreSQL: row lock; SQLite: the write lock). */
    private static void lockHead(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE kms_trust_head SET version = version WHERE id = 1")) {
            ps.executeUpdate();
        }
    }

    private static long nextVersion(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE kms_trust_head SET version = version + 1 WHERE id = 1 RETURNING version");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void recordVersion(Connection c, String tenantId, Set<Plane> planes, long version) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO kms_trust_versions (tenant_id, plane, version) "
                + "VALUES (?,?,?) ON CONFLICT (tenant_id, plane) DO UPDATE SET version = excluded.version")) {
            for (Plane plane : planes) {
                ps.setString(1, tenantId);
                ps.setString(2, plane.apiName());
                ps.setLong(3, version);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    @Override
    public Optional<TrustAnchor> findById(String anchorId) {
        return Jdbc.read(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM kms_trust_anchors WHERE anchor_id = ?")) {
                ps.setString(1, anchorId);
                return single(ps);
            }
        });
    }

    @Override
    public Optional<TrustAnchor> findByFingerprint(String tenantId, String fingerprintSha256) {
        return Jdbc.read(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS
                    + " FROM kms_trust_anchors WHERE tenant_id = ? AND fingerprint_sha256 = ?")) {
                ps.setString(1, tenantId);
                ps.setString(2, fingerprintSha256);
                return single(ps);
            }
        });
    }

    @Override
    public List<TrustAnchor> list(AnchorFilter f, int limit) {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM kms_trust_anchors WHERE 1=1");
        List<Object> args = new ArrayList<>();
        if (f.tenantId() != null) {
            sql.append(" AND tenant_id = ?");
            args.add(f.tenantId());
        }
        if (f.plane() != null) {
            sql.append(" AND ").append(PLANE_MATCH);
            args.add(planePattern(f.plane()));
        }
        if (f.type() != null) {
            sql.append(" AND anchor_type = ?");
            args.add(f.type().apiName());
        }
        if (f.afterAnchorId() != null) {
            sql.append(" AND anchor_id > ?");
            args.add(f.afterAnchorId());
        }
        sql.append(" ORDER BY anchor_id LIMIT ?");
        args.add(limit);
        return Jdbc.read(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                for (int i = 0; i < args.size(); i++) {
                    ps.setObject(i + 1, args.get(i));
                }
                return all(ps);
            }
        });
    }

    private static final String PLANE_MATCH = "(',' || planes || ',') LIKE ?";

    private static String planePattern(Plane plane) {
        return "%," + plane.apiName() + ",%";
    }

    /**
     * Version, anchors, version again: equal versions mean no change to this bundle committed in
     * between (every such change raises it), so the anchors are the ones of that version. Under a
     * stream of changes, the last attempt reads while holding the head lock.
     */
    @Override
    public BundleSnapshot bundle(String tenantId, Plane plane) {
        for (int attempt = 1; attempt < BUNDLE_READ_ATTEMPTS; attempt++) {
            Optional<BundleSnapshot> snapshot = Jdbc.read(ds, c -> {
                long before = bundleVersion(c, tenantId, plane);
                List<TrustAnchor> anchors = bundleAnchors(c, tenantId, plane);
                long after = bundleVersion(c, tenantId, plane);
                return before == after ? Optional.of(new BundleSnapshot(before, anchors)) : Optional.empty();
            });
            if (snapshot.isPresent()) {
                return snapshot.get();
            }
        }
        return Jdbc.transaction(ds, c -> {
            lockHead(c);
            return new BundleSnapshot(bundleVersion(c, tenantId, plane), bundleAnchors(c, tenantId, plane));
        });
    }

    private static long bundleVersion(Connection c, String tenantId, Plane plane) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT COALESCE(MAX(version), 0) FROM kms_trust_versions "
                + "WHERE plane = ? AND tenant_id IN (?, ?)")) {
            ps.setString(1, plane.apiName());
            ps.setString(2, CallerIdentity.GLOBAL_TENANT);
            ps.setString(3, tenantId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static List<TrustAnchor> bundleAnchors(Connection c, String tenantId, Plane plane) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM kms_trust_anchors "
                + "WHERE tenant_id IN (?, ?) AND " + PLANE_MATCH
                + " ORDER BY CASE WHEN tenant_id = ? THEN 0 ELSE 1 END, anchor_id")) {
            ps.setString(1, CallerIdentity.GLOBAL_TENANT);
            ps.setString(2, tenantId);
            ps.setString(3, planePattern(plane));
            ps.setString(4, CallerIdentity.GLOBAL_TENANT);
            return all(ps);
        }
    }

    private static String planes(Set<Plane> planes) {
        return EnumSet.copyOf(planes).stream().map(Plane::apiName).collect(Collectors.joining(","));
    }

    private static Optional<TrustAnchor> single(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(map(rs)) : Optional.empty();
        }
    }

    private static List<TrustAnchor> all(PreparedStatement ps) throws SQLException {
        List<TrustAnchor> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(map(rs));
            }
        }
        return out;
    }

    private static TrustAnchor map(ResultSet rs) throws SQLException {
        Set<Plane> planes = EnumSet.noneOf(Plane.class);
        for (String p : rs.getString("planes").split(",")) {
            planes.add(Plane.fromApiName(p).orElseThrow(() -> new IllegalStateException("stored plane " + p)));
        }
        String type = rs.getString("anchor_type");
        return new TrustAnchor(rs.getString("anchor_id"), rs.getString("tenant_id"),
                AnchorType.fromApiName(type).orElseThrow(() -> new IllegalStateException("stored anchor type " + type)),
                planes, rs.getString("fingerprint_sha256"), rs.getString("subject"),
                Instant.ofEpochMilli(rs.getLong("not_before")), Instant.ofEpochMilli(rs.getLong("not_after")),
                rs.getInt("key_size_bits"), rs.getString("certificate_pem"), rs.getLong("version"),
                Instant.ofEpochMilli(rs.getLong("created_at")), rs.getString("created_by"), revocation(rs));
    }

    private static TrustAnchor.Revocation revocation(ResultSet rs) throws SQLException {
        long at = rs.getLong("revoked_at");
        if (rs.wasNull()) {
            return null;
        }
        return new TrustAnchor.Revocation(Instant.ofEpochMilli(at), rs.getString("revocation_reason"),
                rs.getString("revoked_by"));
    }
}
