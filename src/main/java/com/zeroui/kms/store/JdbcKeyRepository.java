package com.zeroui.kms.store;

import com.zeroui.kms.crypto.KeyType;
import com.zeroui.kms.events.KmsEvent;
import com.zeroui.kms.keys.AccessPolicy;
import com.zeroui.kms.keys.Environment;
import com.zeroui.kms.keys.KeyLifecycle;
import com.zeroui.kms.keys.KeyRecord;
import com.zeroui.kms.keys.KeyRepository;
import com.zeroui.kms.keys.KeyScope;
import com.zeroui.kms.keys.KeyState;
import com.zeroui.kms.keys.KeyUsage;
import com.zeroui.kms.keys.Plane;
import com.zeroui.kms.keys.RevocationReason;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/** {@link KeyRepository} over JDBC, one SQL dialect for SQLite and PostgreSQL. */
public final class JdbcKeyRepository implements KeyRepository {
    private static final String COLUMNS = "key_id, tenant_id, environment, plane, key_type, key_usage, key_alias, key_state, "
            + "created_at, valid_from, valid_until, rotation_count, allowed_modules, requires_approval, max_usage_per_day, "
            + "created_by, public_key, wrapped_material, master_key_id, revoked_at, revocation_reason, destroy_after, "
            + "destroyed_at, state_before_destruction, predecessor_key_id, successor_key_id, rotation_period_days, protection_level, origin";

    /** Behind kms_keys_total: an index-only count over kms_keys_type_state, run at most every 30 s (ScrapeCache). */
    static final String COUNT_BY_TYPE_AND_STATE = "SELECT key_type, key_state, COUNT(*) FROM kms_keys GROUP BY key_type, key_state";

    private final DataSource ds;
    private final Database.Dialect dialect;

    public JdbcKeyRepository(Database database) {
        this.ds = database.dataSource();
        this.dialect = database.dialect();
    }

    @Override
    public void insert(KeyRecord k, List<KmsEvent> events) {
        try {
            Jdbc.transaction(ds, c -> {
                insertRow(c, k);
                JdbcEventOutbox.append(c, events);
                return null;
            });
        } catch (com.zeroui.kms.error.KmsException e) {
            throw aliasTakenOr(e, k);
        }
    }

    /**
     * Stores many keys in one transaction, without events: bulk seeding for the scale benchmark
     * ({@code kms bench --create-keys N --offline}), where one fsync per key would take hours.
     */
    public void insertAll(List<KeyRecord> keys) {
        Jdbc.transaction(ds, c -> {
            for (KeyRecord k : keys) {
                insertRow(c, k);
            }
            return null;
        });
    }

    private static RuntimeException aliasTakenOr(com.zeroui.kms.error.KmsException e, KeyRecord k) {
        if (e.getCause() instanceof SQLException sql && Jdbc.isUniqueViolation(sql)) {
            return new AliasTakenException(k.alias());
        }
        return e;
    }

    private static void insertRow(Connection c, KeyRecord k) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO kms_keys (" + COLUMNS
                + ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
            int i = 1;
            ps.setString(i++, k.keyId());
            ps.setString(i++, k.scope().tenantId());
            ps.setString(i++, k.scope().environment().apiName());
            ps.setString(i++, k.scope().plane().apiName());
            ps.setString(i++, k.type().apiName());
            ps.setString(i++, k.usage().stream().map(KeyUsage::apiName).collect(Collectors.joining(",")));
            ps.setString(i++, k.alias());
            ps.setString(i++, k.state().apiName());
            ps.setLong(i++, k.createdAt().toEpochMilli());
            ps.setLong(i++, k.validFrom().toEpochMilli());
            setInstant(ps, i++, k.validUntil());
            ps.setInt(i++, k.rotationCount());
            ps.setString(i++, String.join(",", k.policy().allowedModules()));
            ps.setInt(i++, k.policy().requiresApproval() ? 1 : 0);
            ps.setLong(i++, k.policy().maxUsagePerDay());
            ps.setString(i++, k.createdBy());
            ps.setBytes(i++, k.publicKeySpki());
            ps.setBytes(i++, k.wrappedMaterial());
            ps.setString(i++, k.masterKeyId());
            KeyLifecycle l = k.lifecycle();
            setInstant(ps, i++, l.revokedAt());
            ps.setString(i++, l.revocationReason() == null ? null : l.revocationReason().apiName());
            setInstant(ps, i++, l.destroyAfter());
            setInstant(ps, i++, l.destroyedAt());
            ps.setString(i++, l.stateBeforeDestruction() == null ? null : l.stateBeforeDestruction().apiName());
            ps.setString(i++, l.predecessorKeyId());
            ps.setString(i++, l.successorKeyId());
            if (l.rotationPeriodDays() == null) {
                ps.setNull(i, Types.INTEGER);
            } else {
                ps.setInt(i, l.rotationPeriodDays());
            }
            ps.setString(++i, k.protectionLevel().apiName());
            ps.setString(++i, k.origin().apiName());
            ps.executeUpdate();
        }
    }

    private static void setInstant(PreparedStatement ps, int index, Instant value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.BIGINT);
        } else {
            ps.setLong(index, value.toEpochMilli());
        }
    }

    @Override
    public boolean rotate(String oldKeyId, Instant graceUntil, KeyRecord successor, List<KmsEvent> events) {
        try {
            return Jdbc.transaction(ds, c -> {
                // the old key gives up its alias first: the successor takes it over in the same transaction
                int moved = update(c, "UPDATE kms_keys SET key_state = ?, valid_until = ?, key_alias = NULL, "
                        + "successor_key_id = ? WHERE key_id = ? AND key_state = ?", KeyState.PENDING_ROTATION.apiName(),
                        graceUntil.toEpochMilli(), successor.keyId(), oldKeyId, KeyState.ACTIVE.apiName());
                if (moved == 0) {
                    return false; // rotated (or otherwise moved) by someone else first
                }
                insertRow(c, successor);
                JdbcEventOutbox.append(c, events);
                return true;
            });
        } catch (com.zeroui.kms.error.KmsException e) {
            throw aliasTakenOr(e, successor);
        }
    }

    @Override
    public boolean revoke(String keyId, Set<KeyState> from, Instant at, RevocationReason reason, List<KmsEvent> events) {
        return Jdbc.transaction(ds, c -> {
            int moved = update(c, "UPDATE kms_keys SET key_state = ?, revoked_at = ?, revocation_reason = ? WHERE key_id = ?"
                    + inStates(from), concat(List.of(KeyState.REVOKED.apiName(), at.toEpochMilli(), reason.apiName(), keyId),
                    from));
            if (moved == 1) {
                JdbcEventOutbox.append(c, events);
            }
            return moved == 1;
        });
    }

    @Override
    public boolean scheduleDestruction(String keyId, KeyState from, KeyState restoreTo, Instant destroyAfter) {
        return Jdbc.transaction(ds, c -> update(c, "UPDATE kms_keys SET key_state = ?, destroy_after = ?, "
                + "state_before_destruction = ? WHERE key_id = ? AND key_state = ?", KeyState.PENDING_DESTRUCTION.apiName(),
                destroyAfter.toEpochMilli(), restoreTo.apiName(), keyId, from.apiName()) == 1);
    }

    @Override
    public boolean cancelDestruction(String keyId, Instant now) {
        return Jdbc.transaction(ds, c -> update(c, "UPDATE kms_keys SET key_state = state_before_destruction, "
                + "destroy_after = NULL, state_before_destruction = NULL WHERE key_id = ? AND key_state = ? "
                + "AND destroy_after > ?", keyId, KeyState.PENDING_DESTRUCTION.apiName(), now.toEpochMilli()) == 1);
    }

    @Override
    public boolean archive(String keyId, Instant now) {
        return Jdbc.transaction(ds, c -> update(c, "UPDATE kms_keys SET key_state = ? WHERE key_id = ? AND key_state = ? "
                + "AND valid_until <= ?", KeyState.ARCHIVED.apiName(), keyId, KeyState.PENDING_ROTATION.apiName(),
                now.toEpochMilli()) == 1);
    }

    @Override
    public boolean destroy(String keyId, Instant now) {
        // the wrapped material is overwritten, not kept: the tombstone row stays for audit
        boolean destroyed = Jdbc.transaction(ds, c -> update(c, "UPDATE kms_keys SET key_state = ?, destroyed_at = ?, "
                + "wrapped_material = ?, key_alias = NULL WHERE key_id = ? AND key_state = ? AND destroy_after <= ?",
                KeyState.DESTROYED.apiName(), now.toEpochMilli(), new byte[0], keyId,
                KeyState.PENDING_DESTRUCTION.apiName(), now.toEpochMilli()) == 1);
        if (destroyed && dialect == Database.Dialect.SQLITE) {
            // secure_delete zeroes the old cell in the database file; the write-ahead log still holds the
            // page as it was until a checkpoint, so fold the log in and truncate it now
            Jdbc.read(ds, c -> {
                try (var st = c.createStatement()) {
                    st.execute("PRAGMA wal_checkpoint(TRUNCATE)");
                }
                return null;
            });
        }
        return destroyed;
    }

    @Override
    public boolean updatePolicy(String keyId, Set<KeyState> from, AccessPolicy policy) {
        return Jdbc.transaction(ds, c -> update(c, "UPDATE kms_keys SET allowed_modules = ?, requires_approval = ?, "
                + "max_usage_per_day = ? WHERE key_id = ?" + inStates(from), concat(List.of(
                String.join(",", policy.allowedModules()), policy.requiresApproval() ? 1 : 0, policy.maxUsagePerDay(),
                keyId), from)) == 1);
    }

    @Override
    public List<KeyRecord> dueForArchive(Instant now, int limit) {
        return select("SELECT " + COLUMNS + " FROM kms_keys WHERE key_state = ? AND valid_until <= ? ORDER BY valid_until "
                + "LIMIT ?", KeyState.PENDING_ROTATION.apiName(), now.toEpochMilli(), limit);
    }

    @Override
    public List<KeyRecord> dueForDestruction(Instant now, int limit) {
        return select("SELECT " + COLUMNS + " FROM kms_keys WHERE key_state = ? AND destroy_after <= ? "
                + "ORDER BY destroy_after LIMIT ?", KeyState.PENDING_DESTRUCTION.apiName(), now.toEpochMilli(), limit);
    }

    @Override
    public List<KeyRecord> dueForRotation(Instant now, int defaultPeriodDays, String exceptCreatedBy, int limit) {
        return select("SELECT " + COLUMNS + " FROM kms_keys WHERE key_state = ? AND created_by <> ? "
                + "AND created_at + COALESCE(rotation_period_days, ?) * CAST(86400000 AS BIGINT) <= ? ORDER BY created_at LIMIT ?",
                KeyState.ACTIVE.apiName(), exceptCreatedBy, defaultPeriodDays, now.toEpochMilli(), limit);
    }

    private List<KeyRecord> select(String sql, Object... args) {
        return Jdbc.read(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                bind(ps, List.of(args));
                List<KeyRecord> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(map(rs));
                    }
                }
                return out;
            }
        });
    }

    private static int update(Connection c, String sql, Object... args) throws SQLException {
        return update(c, sql, List.of(args));
    }

    private static int update(Connection c, String sql, List<Object> args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            return ps.executeUpdate();
        }
    }

    private static void bind(PreparedStatement ps, List<Object> args) throws SQLException {
        for (int i = 0; i < args.size(); i++) {
            Object a = args.get(i);
            if (a instanceof byte[] bytes) {
                ps.setBytes(i + 1, bytes);
            } else {
                ps.setObject(i + 1, a);
            }
        }
    }

    private static String inStates(Set<KeyState> states) {
        return " AND key_state IN (" + String.join(",", java.util.Collections.nCopies(states.size(), "?")) + ")";
    }

    private static List<Object> concat(List<Object> head, Set<KeyState> states) {
        List<Object> all = new ArrayList<>(head);
        states.stream().map(KeyState::apiName).sorted().forEach(all::add);
        return all;
    }

    @Override
    public Optional<KeyRecord> findById(String keyId) {
        return Jdbc.read(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM kms_keys WHERE key_id = ?")) {
                ps.setString(1, keyId);
                return single(ps);
            }
        });
    }

    @Override
    public Optional<KeyRecord> findByAlias(String tenantId, Environment environment, String alias) {
        return Jdbc.read(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS
                    + " FROM kms_keys WHERE tenant_id = ? AND environment = ? AND key_alias = ?")) {
                ps.setString(1, tenantId);
                ps.setString(2, environment.apiName());
                ps.setString(3, alias);
                return single(ps);
            }
        });
    }

    @Override
    public List<KeyRecord> list(KeyFilter f, int limit) {
        List<Object> args = new ArrayList<>();
        String sql = listSql(f, limit, args);
        return Jdbc.read(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (int i = 0; i < args.size(); i++) {
                    ps.setObject(i + 1, args.get(i));
                }
                List<KeyRecord> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(map(rs));
                    }
                }
                return out;
            }
        });
    }

    /** The listing query (keyset pagination on key_id) and its arguments; GaugeQueryPlanTest reads its plan. */
    static String listSql(KeyFilter f, int limit, List<Object> args) {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM kms_keys WHERE 1=1");
        condition(sql, args, "tenant_id", f.tenantId());
        condition(sql, args, "environment", f.environment() == null ? null : f.environment().apiName());
        condition(sql, args, "plane", f.plane() == null ? null : f.plane().apiName());
        condition(sql, args, "key_type", f.keyType() == null ? null : f.keyType().apiName());
        condition(sql, args, "key_state", f.keyState() == null ? null : f.keyState().apiName());
        condition(sql, args, "key_alias", f.alias());
        if (f.afterKeyId() != null) {
            sql.append(" AND key_id > ?");
            args.add(f.afterKeyId());
        }
        sql.append(" ORDER BY key_id LIMIT ?");
        args.add(limit);
        return sql.toString();
    }

    private static void condition(StringBuilder sql, List<Object> args, String column, String value) {
        if (value != null) {
            sql.append(" AND ").append(column).append(" = ?");
            args.add(value);
        }
    }

    @Override
    public long reserveAeadInvocations(String keyId, long count, long limit) {
        return Jdbc.transaction(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE kms_keys SET aead_invocations_reserved = "
                    + "aead_invocations_reserved + ? WHERE key_id = ? AND aead_invocations_reserved + ? <= ?")) {
                ps.setLong(1, count);
                ps.setString(2, keyId);
                ps.setLong(3, count);
                ps.setLong(4, limit);
                if (ps.executeUpdate() == 0) {
                    return -1L;
                }
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT aead_invocations_reserved FROM kms_keys WHERE key_id = ?")) {
                ps.setString(1, keyId);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    @Override
    public Map<List<String>, Long> countByTypeAndState() {
        return Jdbc.read(ds, c -> {
            Map<List<String>, Long> out = new LinkedHashMap<>();
            try (PreparedStatement ps = c.prepareStatement(
                    COUNT_BY_TYPE_AND_STATE);
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(List.of(rs.getString(1), rs.getString(2)), rs.getLong(3));
                }
            }
            return out;
        });
    }

    private static Optional<KeyRecord> single(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(map(rs)) : Optional.empty();
        }
    }

    private static KeyRecord map(ResultSet rs) throws SQLException {
        Set<KeyUsage> usage = EnumSet.noneOf(KeyUsage.class);
        for (String u : rs.getString("key_usage").split(",")) {
            usage.add(KeyUsage.fromApiName(u).orElseThrow());
        }
        long validUntil = rs.getLong("valid_until");
        Instant until = rs.wasNull() ? null : Instant.ofEpochMilli(validUntil);
        String modules = rs.getString("allowed_modules");
        return new KeyRecord(
                rs.getString("key_id"),
                new KeyScope(rs.getString("tenant_id"),
                        Environment.fromApiName(rs.getString("environment")).orElseThrow(),
                        Plane.fromApiName(rs.getString("plane")).orElseThrow()),
                KeyType.fromApiName(rs.getString("key_type")).orElseThrow(),
                usage,
                rs.getString("key_alias"),
                KeyState.fromApiName(rs.getString("key_state")).orElseThrow(),
                Instant.ofEpochMilli(rs.getLong("created_at")),
                Instant.ofEpochMilli(rs.getLong("valid_from")),
                until,
                rs.getInt("rotation_count"),
                new AccessPolicy(modules.isEmpty() ? List.of() : Arrays.asList(modules.split(",")),
                        rs.getInt("requires_approval") == 1, rs.getLong("max_usage_per_day")),
                rs.getString("created_by"),
                rs.getBytes("public_key"),
                rs.getBytes("wrapped_material"),
                rs.getString("master_key_id"),
                lifecycle(rs),
                com.zeroui.kms.keystore.ProtectionLevel.fromApiName(rs.getString("protection_level")).orElseThrow(),
                com.zeroui.kms.keys.KeyOrigin.fromApiName(rs.getString("origin")).orElseThrow());
    }

    private static KeyLifecycle lifecycle(ResultSet rs) throws SQLException {
        String reason = rs.getString("revocation_reason");
        String before = rs.getString("state_before_destruction");
        int period = rs.getInt("rotation_period_days");
        Integer rotationPeriod = rs.wasNull() ? null : period;
        return new KeyLifecycle(instant(rs, "revoked_at"),
                reason == null ? null : RevocationReason.fromApiName(reason).orElseThrow(),
                instant(rs, "destroy_after"), instant(rs, "destroyed_at"),
                before == null ? null : KeyState.fromApiName(before).orElseThrow(),
                rs.getString("predecessor_key_id"), rs.getString("successor_key_id"), rotationPeriod);
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : Instant.ofEpochMilli(v);
    }
}
