package com.zeroui.kms.store;

import com.zeroui.kms.crypto.KeyType;
import com.zeroui.kms.events.KmsEvent;
import com.zeroui.kms.keys.AccessPolicy;
import com.zeroui.kms.keys.Environment;
import com.zeroui.kms.keys.KeyRecord;
import com.zeroui.kms.keys.KeyRepository;
import com.zeroui.kms.keys.KeyScope;
import com.zeroui.kms.keys.KeyState;
import com.zeroui.kms.keys.KeyUsage;
import com.zeroui.kms.keys.Plane;
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
            + "created_by, public_key, wrapped_material, master_key_id";

    private final DataSource ds;

    public JdbcKeyRepository(Database database) {
        this.ds = database.dataSource();
    }

    @Override
    public void insert(KeyRecord k, List<KmsEvent> events) {
        try {
            Jdbc.transaction(ds, c -> {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO kms_keys (" + COLUMNS
                        + ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
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
                    if (k.validUntil() == null) {
                        ps.setNull(i++, Types.BIGINT);
                    } else {
                        ps.setLong(i++, k.validUntil().toEpochMilli());
                    }
                    ps.setInt(i++, k.rotationCount());
                    ps.setString(i++, String.join(",", k.policy().allowedModules()));
                    ps.setInt(i++, k.policy().requiresApproval() ? 1 : 0);
                    ps.setLong(i++, k.policy().maxUsagePerDay());
                    ps.setString(i++, k.createdBy());
                    ps.setBytes(i++, k.publicKeySpki());
                    ps.setBytes(i++, k.wrappedMaterial());
                    ps.setString(i, k.masterKeyId());
                    ps.executeUpdate();
                }
                JdbcEventOutbox.append(c, events);
                return null;
            });
        } catch (com.zeroui.kms.error.KmsException e) {
            if (e.getCause() instanceof SQLException sql && Jdbc.isUniqueViolation(sql)) {
                throw new AliasTakenException(k.alias());
            }
            throw e;
        }
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
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM kms_keys WHERE 1=1");
        List<Object> args = new ArrayList<>();
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
        return Jdbc.read(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
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
                    "SELECT key_type, key_state, COUNT(*) FROM kms_keys GROUP BY key_type, key_state");
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
                rs.getString("master_key_id"));
    }
}
