package com.zeroui.kms.store;

import com.zeroui.kms.trust.CaRepository;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.Optional;
import javax.sql.DataSource;

public final class JdbcCaRepository implements CaRepository {
    private final DataSource ds;

    public JdbcCaRepository(Database database) {
        this.ds = database.dataSource();
    }

    @Override
    public Optional<StoredCa> find(String caId) {
        return Jdbc.read(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT ca_id, ca_role, certificate_pem, wrapped_private_key, "
                    + "master_key_id, created_at FROM kms_ca WHERE ca_id = ?")) {
                ps.setString(1, caId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    return Optional.of(new StoredCa(rs.getString(1), rs.getString(2), rs.getString(3), rs.getBytes(4),
                            rs.getString(5), Instant.ofEpochMilli(rs.getLong(6))));
                }
            }
        });
    }

    @Override
    public boolean insertIfAbsent(StoredCa ca) {
        return Jdbc.transaction(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO kms_ca (ca_id, ca_role, certificate_pem, "
                    + "wrapped_private_key, master_key_id, created_at) VALUES (?,?,?,?,?,?) ON CONFLICT (ca_id) DO NOTHING")) {
                ps.setString(1, ca.caId());
                ps.setString(2, ca.role());
                ps.setString(3, ca.certificatePem());
                ps.setBytes(4, ca.wrappedPrivateKey());
                ps.setString(5, ca.masterKeyId());
                ps.setLong(6, ca.createdAt().toEpochMilli());
                return ps.executeUpdate() == 1;
            }
        });
    }

    @Override
    public void recordIssued(IssuedCertificate cert) {
        Jdbc.transaction(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO kms_issued_certificates (serial, ca_id, subject_uri, "
                    + "profile, not_before, not_after, certificate_pem, created_at) VALUES (?,?,?,?,?,?,?,?)")) {
                ps.setString(1, cert.serial());
                ps.setString(2, cert.caId());
                ps.setString(3, cert.subjectUri());
                ps.setString(4, cert.profile());
                ps.setLong(5, cert.notBefore().toEpochMilli());
                ps.setLong(6, cert.notAfter().toEpochMilli());
                ps.setString(7, cert.certificatePem());
                ps.setLong(8, System.currentTimeMillis());
                return ps.executeUpdate();
            }
        });
    }
}
