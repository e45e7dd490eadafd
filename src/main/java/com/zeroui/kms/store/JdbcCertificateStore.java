package com.zeroui.kms.store;

import com.zeroui.kms.trust.pki.CertificateProfile;
import com.zeroui.kms.trust.pki.CertificateRecord;
import com.zeroui.kms.trust.pki.CertificateStore;
import com.zeroui.kms.trust.pki.RevocationReason;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

public final class JdbcCertificateStore implements CertificateStore {
    private static final String COLUMNS = "serial, ca_id, subject_uri, profile, not_before, not_after, certificate_pem, "
            + "created_at, status, revoked_at, revocation_reason, requested_by, key_algorithm";
    private static final String ACTIVE = "active";
    private static final String REVOKED = "revoked";

    private final DataSource ds;

    public JdbcCertificateStore(Database database) {
        this.ds = database.dataSource();
    }

    @Override
    public void insert(CertificateRecord r) {
        Jdbc.transaction(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO kms_issued_certificates (" + COLUMNS
                    + ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
                ps.setString(1, r.serial());
                ps.setString(2, r.caId());
                ps.setString(3, r.subject());
                ps.setString(4, r.profile());
                ps.setLong(5, r.notBefore().toEpochMilli());
                ps.setLong(6, r.notAfter().toEpochMilli());
                ps.setString(7, r.certificatePem());
                ps.setLong(8, r.issuedAt().toEpochMilli());
                ps.setString(9, r.revoked() ? REVOKED : ACTIVE);
                setInstant(ps, 10, r.revokedAt());
                ps.setString(11, r.revocationReason() == null ? null : r.revocationReason().apiName());
                ps.setString(12, r.requestedBy());
                ps.setString(13, r.keyAlgorithm());
                return ps.executeUpdate();
            }
        });
    }

    @Override
    public Optional<CertificateRecord> find(String serial) {
        return Jdbc.read(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS
                    + " FROM kms_issued_certificates WHERE serial = ?")) {
                ps.setString(1, serial);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(record(rs)) : Optional.empty();
                }
            }
        });
    }

    @Override
    public List<CertificateRecord> list(ListFilter f, int limit) {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM kms_issued_certificates WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        if (f.status() != null) {
            switch (f.status()) {
                case REVOKED -> sql.append(" AND status = '" + REVOKED + "'");
                case ACTIVE -> {
                    sql.append(" AND status = '" + ACTIVE + "' AND not_after > ?");
                    args.add(f.now().toEpochMilli());
                }
                case EXPIRED -> {
                    sql.append(" AND status = '" + ACTIVE + "' AND not_after <= ?");
                    args.add(f.now().toEpochMilli());
                }
            }
        }
        if (f.subject() != null) {
            sql.append(" AND subject_uri = ?");
            args.add(f.subject());
        }
        if (f.expiringBefore() != null) {
            sql.append(" AND not_after < ?");
            args.add(f.expiringBefore().toEpochMilli());
        }
        if (f.after() != null) {
            sql.append(" AND (created_at > ? OR (created_at = ? AND serial > ?))");
            args.add(f.after().issuedAt().toEpochMilli());
            args.add(f.after().issuedAt().toEpochMilli());
            args.add(f.after().serial());
        }
        sql.append(" ORDER BY created_at, serial LIMIT ?");
        args.add(limit);
        return Jdbc.read(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                for (int i = 0; i < args.size(); i++) {
                    ps.setObject(i + 1, args.get(i));
                }
                return readAll(ps);
            }
        });
    }

    @Override
    public boolean changeRevocation(CertificateRecord expected, CertificateRecord updated) {
        return Jdbc.transaction(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE kms_issued_certificates SET status = ?, revoked_at = ?, "
                    + "revocation_reason = ? WHERE serial = ? AND status = ? AND COALESCE(revocation_reason, '') = ?")) {
                ps.setString(1, updated.revoked() ? REVOKED : ACTIVE);
                setInstant(ps, 2, updated.revokedAt());
                ps.setString(3, updated.revocationReason() == null ? null : updated.revocationReason().apiName());
                ps.setString(4, expected.serial());
                ps.setString(5, expected.revoked() ? REVOKED : ACTIVE);
                ps.setString(6, expected.revocationReason() == null ? "" : expected.revocationReason().apiName());
                if (ps.executeUpdate() != 1) {
                    return false;
                }
            }
            ensureCrlRow(c, expected.caId());
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE kms_crls SET revocation_epoch = revocation_epoch + 1 WHERE ca_id = ?")) {
                ps.setString(1, expected.caId());
                ps.executeUpdate();
            }
            return true;
        });
    }

    private static void ensureCrlRow(Connection c, String caId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO kms_crls (ca_id, revocation_epoch, crl_number) "
                + "VALUES (?, 0, 0) ON CONFLICT (ca_id) DO NOTHING")) {
            ps.setString(1, caId);
            ps.executeUpdate();
        }
    }

    @Override
    public List<CertificateRecord> revokedBy(String caId, Instant at) {
        return Jdbc.read(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM kms_issued_certificates "
                    + "WHERE ca_id = ? AND status = '" + REVOKED + "' AND not_after > ? ORDER BY serial")) {
                ps.setString(1, caId);
                ps.setLong(2, at.toEpochMilli());
                return readAll(ps);
            }
        });
    }

    @Override
    public List<String> revokedSerials(Instant at) {
        return Jdbc.read(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT serial FROM kms_issued_certificates "
                    + "WHERE status = '" + REVOKED + "' AND not_after > ?")) {
                ps.setLong(1, at.toEpochMilli());
                List<String> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getString(1));
                    }
                }
                return out;
            }
        });
    }

    /** Behind kms_certificates_expiring: a range over the (status, not_after) index, only the expiring rows. */
    static final String COUNT_EXPIRING_SQL = "SELECT COUNT(*) FROM kms_issued_certificates WHERE status = '"
            + ACTIVE + "' AND profile <> ? AND not_after > ? AND not_after <= ?";

    @Override
    public long countExpiring(Instant now, Instant until) {
        return Jdbc.read(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement(COUNT_EXPIRING_SQL)) {
                ps.setString(1, CertificateProfile.OCSP_SIGNING.apiName());
                ps.setLong(2, now.toEpochMilli());
                ps.setLong(3, until.toEpochMilli());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    @Override
    public long revocationEpochs() {
        return Jdbc.read(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT COALESCE(SUM(revocation_epoch), 0) FROM kms_crls");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    @Override
    public Optional<CrlState> crl(String caId) {
        return Jdbc.read(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT revocation_epoch, crl_number, built_epoch, this_update, "
                    + "next_update, crl_der FROM kms_crls WHERE ca_id = ?")) {
                ps.setString(1, caId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    long number = rs.getLong(2);
                    byte[] der = rs.getBytes(6);
                    SignedCrl cached = der == null ? null : new SignedCrl(number, rs.getLong(3),
                            Instant.ofEpochMilli(rs.getLong(4)), Instant.ofEpochMilli(rs.getLong(5)), der);
                    return Optional.of(new CrlState(caId, rs.getLong(1), number, cached));
                }
            }
        });
    }

    @Override
    public boolean publishCrl(String caId, long expectedNumber, SignedCrl crl) {
        return Jdbc.transaction(ds, c -> {
            ensureCrlRow(c, caId);
            try (PreparedStatement ps = c.prepareStatement("UPDATE kms_crls SET crl_number = ?, built_epoch = ?, "
                    + "this_update = ?, next_update = ?, crl_der = ? WHERE ca_id = ? AND crl_number = ?")) {
                ps.setLong(1, crl.number());
                ps.setLong(2, crl.builtEpoch());
                ps.setLong(3, crl.thisUpdate().toEpochMilli());
                ps.setLong(4, crl.nextUpdate().toEpochMilli());
                ps.setBytes(5, crl.der());
                ps.setString(6, caId);
                ps.setLong(7, expectedNumber);
                return ps.executeUpdate() == 1;
            }
        });
    }

    @Override
    public Optional<StoredResponder> ocspResponder(String caId) {
        return Jdbc.read(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT serial, certificate_pem, wrapped_private_key, "
                    + "master_key_id, not_after, created_at FROM kms_ocsp_responders WHERE ca_id = ?")) {
                ps.setString(1, caId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    return Optional.of(new StoredResponder(caId, rs.getString(1), rs.getString(2), rs.getBytes(3),
                            rs.getString(4), Instant.ofEpochMilli(rs.getLong(5)), Instant.ofEpochMilli(rs.getLong(6))));
                }
            }
        });
    }

    @Override
    public boolean replaceOcspResponder(String expectedSerial, StoredResponder r) {
        return Jdbc.transaction(ds, c -> {
            String sql = expectedSerial == null
                    ? "INSERT INTO kms_ocsp_responders (serial, certificate_pem, wrapped_private_key, master_key_id, "
                    + "not_after, created_at, ca_id) VALUES (?,?,?,?,?,?,?) ON CONFLICT (ca_id) DO NOTHING"
                    : "UPDATE kms_ocsp_responders SET serial = ?, certificate_pem = ?, wrapped_private_key = ?, "
                    + "master_key_id = ?, not_after = ?, created_at = ? WHERE ca_id = ? AND serial = ?";
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, r.serial());
                ps.setString(2, r.certificatePem());
                ps.setBytes(3, r.wrappedPrivateKey());
                ps.setString(4, r.masterKeyId());
                ps.setLong(5, r.notAfter().toEpochMilli());
                ps.setLong(6, r.createdAt().toEpochMilli());
                ps.setString(7, r.caId());
                if (expectedSerial != null) {
                    ps.setString(8, expectedSerial);
                }
                return ps.executeUpdate() == 1;
            }
        });
    }

    private static List<CertificateRecord> readAll(PreparedStatement ps) throws SQLException {
        List<CertificateRecord> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(record(rs));
            }
        }
        return out;
    }

    private static CertificateRecord record(ResultSet rs) throws SQLException {
        long revokedAt = rs.getLong(10);
        Instant revoked = rs.wasNull() ? null : Instant.ofEpochMilli(revokedAt);
        String reason = rs.getString(11);
        return new CertificateRecord(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                Instant.ofEpochMilli(rs.getLong(5)), Instant.ofEpochMilli(rs.getLong(6)), rs.getString(7),
                Instant.ofEpochMilli(rs.getLong(8)), REVOKED.equals(rs.getString(9)), revoked,
                reason == null ? null : RevocationReason.fromApiName(reason).orElse(RevocationReason.UNSPECIFIED),
                rs.getString(12), rs.getString(13));
    }

    private static void setInstant(PreparedStatement ps, int index, Instant value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.BIGINT);
        } else {
            ps.setLong(index, value.toEpochMilli());
        }
    }
}
