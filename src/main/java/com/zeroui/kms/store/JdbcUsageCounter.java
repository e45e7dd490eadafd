package com.zeroui.kms.store;

import com.zeroui.kms.limits.UsageCounterRepository;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import javax.sql.DataSource;

/**
 * {@link UsageCounterRepository} over JDBC: one conditional upsert per reservation, the same
 * statement on SQLite (3.35+) and PostgreSQL.
 */
public final class JdbcUsageCounter implements UsageCounterRepository {
    private static final String RESERVE = "INSERT INTO kms_key_usage_daily (key_id, usage_day, reserved) VALUES (?, ?, ?)"
            + " ON CONFLICT (key_id, usage_day) DO UPDATE SET reserved = kms_key_usage_daily.reserved + excluded.reserved"
            + " WHERE kms_key_usage_daily.reserved + excluded.reserved <= ?"
            + " RETURNING reserved";

    private final DataSource ds;

    public JdbcUsageCounter(Database database) {
        this.ds = database.dataSource();
    }

    @Override
    public long reserve(String keyId, long day, long count, long limit) {
        if (count > limit) {
            return -1;
        }
        return Jdbc.transaction(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement(RESERVE)) {
                ps.setString(1, keyId);
                ps.setLong(2, day);
                ps.setLong(3, count);
                ps.setLong(4, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getLong(1) : -1L;
                }
            }
        });
    }

    @Override
    public void pruneBefore(long day) {
        Jdbc.transaction(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM kms_key_usage_daily WHERE usage_day < ?")) {
                ps.setLong(1, day);
                return ps.executeUpdate();
            }
        });
    }

    /** Uses reserved for {@code keyId} on {@code day}: what all nodes together may have spent. */
    public long reserved(String keyId, long day) {
        return Jdbc.read(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT reserved FROM kms_key_usage_daily WHERE key_id = ? AND usage_day = ?")) {
                ps.setString(1, keyId);
                ps.setLong(2, day);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getLong(1) : 0L;
                }
            }
        });
    }
}
