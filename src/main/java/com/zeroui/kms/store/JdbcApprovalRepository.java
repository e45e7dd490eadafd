package com.zeroui.kms.store;

import com.zeroui.kms.approvals.Approval;
import com.zeroui.kms.approvals.ApprovalRepository;
import com.zeroui.kms.approvals.ApprovalStatus;
import com.zeroui.kms.error.KmsException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.Optional;
import javax.sql.DataSource;

/** {@link ApprovalRepository} over JDBC: every state change is one conditional UPDATE. */
public final class JdbcApprovalRepository implements ApprovalRepository {
    private static final String COLUMNS = "approval_id, operation, key_id, tenant_id, environment, plane, parameters_json, "
            + "parameters_digest, requested_by, requested_module, status, created_at, expires_at, approved_by, "
            + "approved_at, token_expires_at, consumed_at";

    private final DataSource ds;

    public JdbcApprovalRepository(Database database) {
        this.ds = database.dataSource();
    }

    @Override
    public void insert(Approval a) {
        Jdbc.transaction(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO kms_approvals (" + COLUMNS
                    + ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
                int i = 1;
                ps.setString(i++, a.approvalId());
                ps.setString(i++, a.operation());
                ps.setString(i++, a.keyId());
                ps.setString(i++, a.tenantId());
                ps.setString(i++, a.environment());
                ps.setString(i++, a.plane());
                ps.setString(i++, a.parametersJson());
                ps.setString(i++, a.parametersDigest());
                ps.setString(i++, a.requestedBy());
                ps.setString(i++, a.requestedModule());
                ps.setString(i++, a.status().apiName());
                ps.setLong(i++, a.createdAt().toEpochMilli());
                ps.setLong(i++, a.expiresAt().toEpochMilli());
                ps.setString(i++, a.approvedBy());
                setInstant(ps, i++, a.approvedAt());
                setInstant(ps, i++, a.tokenExpiresAt());
                setInstant(ps, i, a.consumedAt());
                ps.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public Optional<Approval> find(String approvalId) {
        return Jdbc.read(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM kms_approvals WHERE approval_id = ?")) {
                ps.setString(1, approvalId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(map(rs)) : Optional.empty();
                }
            }
        });
    }

    @Override
    public java.util.List<Approval> list(ApprovalFilter filter, Instant now, String beforeId, int limit) {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM kms_approvals WHERE 1 = 1");
        java.util.List<Object> args = new java.util.ArrayList<>();
        if (filter.tenantId() != null) {
            sql.append(" AND tenant_id = ?");
            args.add(filter.tenantId());
        }
        if (filter.requestedBy() != null) {
            sql.append(" AND requested_by = ?");
            args.add(filter.requestedBy());
        }
        if (filter.environment() != null) {
            sql.append(" AND environment = ?");
            args.add(filter.environment());
        }
        if (beforeId != null) {
            sql.append(" AND approval_id < ?");
            args.add(beforeId);
        }
        if (filter.statuses() != null) {
            // the effective status: a pending request or an approved token past its time is expired
            long t = now.toEpochMilli();
            java.util.List<String> any = new java.util.ArrayList<>();
            for (ApprovalStatus status : filter.statuses()) {
                switch (status) {
                    case PENDING -> {
                        any.add("(status = 'pending' AND expires_at > ?)");
                        args.add(t);
                    }
                    case APPROVED -> {
                        any.add("(status = 'approved' AND token_expires_at > ?)");
                        args.add(t);
                    }
                    case CONSUMED -> any.add("status = 'consumed'");
                    case EXPIRED -> {
                        any.add("(status = 'expired' OR (status = 'pending' AND expires_at <= ?)"
                                + " OR (status = 'approved' AND token_expires_at <= ?))");
                        args.add(t);
                        args.add(t);
                    }
                }
            }
            sql.append(" AND (").append(any.isEmpty() ? "1 = 0" : String.join(" OR ", any)).append(')');
        }
        sql.append(" ORDER BY approval_id DESC LIMIT ?");
        args.add(limit);
        return Jdbc.read(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                for (int i = 0; i < args.size(); i++) {
                    ps.setObject(i + 1, args.get(i));
                }
                java.util.List<Approval> out = new java.util.ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(map(rs));
                    }
                }
                return out;
            }
        });
    }

    @Override
    public boolean markApproved(String approvalId, String approvedBy, Instant now, Instant tokenExpiresAt) {
        return update("UPDATE kms_approvals SET status = 'approved', approved_by = ?, approved_at = ?, token_expires_at = ?"
                + " WHERE approval_id = ? AND status = 'pending' AND expires_at > ?",
                approvedBy, now.toEpochMilli(), tokenExpiresAt.toEpochMilli(), approvalId, now.toEpochMilli());
    }

    @Override
    public boolean consume(String approvalId, Instant now) {
        return update("UPDATE kms_approvals SET status = 'consumed', consumed_at = ?"
                + " WHERE approval_id = ? AND status = 'approved' AND token_expires_at > ?",
                now.toEpochMilli(), approvalId, now.toEpochMilli());
    }

    @Override
    public void markExpired(String approvalId, Instant now) {
        update("UPDATE kms_approvals SET status = 'expired' WHERE approval_id = ? AND ((status = 'pending' AND expires_at <= ?)"
                + " OR (status = 'approved' AND token_expires_at <= ?))", approvalId, now.toEpochMilli(), now.toEpochMilli());
    }

    @Override
    public boolean recordExternalUse(String issuer, String jti, String operation, String keyId, Instant usedAt,
                                     Instant expiresAt) {
        return Jdbc.transaction(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO kms_approval_external_uses (issuer, jti, operation,"
                    + " key_id, used_at, expires_at) VALUES (?,?,?,?,?,?) ON CONFLICT (issuer, jti) DO NOTHING")) {
                ps.setString(1, issuer);
                ps.setString(2, jti);
                ps.setString(3, operation);
                ps.setString(4, keyId);
                ps.setLong(5, usedAt.toEpochMilli());
                ps.setLong(6, expiresAt.toEpochMilli());
                return ps.executeUpdate() == 1;
            }
        });
    }

    private boolean update(String sql, Object... args) {
        return Jdbc.transaction(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (int i = 0; i < args.length; i++) {
                    ps.setObject(i + 1, args[i]);
                }
                return ps.executeUpdate() == 1;
            }
        });
    }

    private static void setInstant(PreparedStatement ps, int index, Instant value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.BIGINT);
        } else {
            ps.setLong(index, value.toEpochMilli());
        }
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : Instant.ofEpochMilli(value);
    }

    private static Approval map(ResultSet rs) throws SQLException {
        String status = rs.getString("status");
        return new Approval(rs.getString("approval_id"), rs.getString("operation"), rs.getString("key_id"),
                rs.getString("tenant_id"), rs.getString("environment"), rs.getString("plane"),
                rs.getString("parameters_json"), rs.getString("parameters_digest"), rs.getString("requested_by"),
                rs.getString("requested_module"),
                ApprovalStatus.fromApiName(status).orElseThrow(() -> KmsException.internal("unknown approval status "
                        + status, null)),
                instant(rs, "created_at"), instant(rs, "expires_at"), rs.getString("approved_by"),
                instant(rs, "approved_at"), instant(rs, "token_expires_at"), instant(rs, "consumed_at"));
    }
}
