package com.zeroui.kms.store;

import com.zeroui.kms.crypto.KeyType;
import com.zeroui.kms.keys.Environment;
import com.zeroui.kms.keys.ImportParamsRepository;
import com.zeroui.kms.keys.KeyScope;
import com.zeroui.kms.keys.Plane;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.Optional;
import javax.sql.DataSource;

/** {@link ImportParamsRepository} over JDBC (kms_import_params, V19). */
public final class JdbcImportParams implements ImportParamsRepository {
    private final DataSource ds;

    public JdbcImportParams(Database database) {
        this.ds = database.dataSource();
    }

    @Override
    public void insert(ImportParams p) {
        Jdbc.transaction(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO kms_import_params (import_token, tenant_id,"
                    + " environment, plane, key_type, requested_by, public_key, wrapped_private_key, master_key_id,"
                    + " created_at, expires_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)")) {
                ps.setString(1, p.importToken());
                ps.setString(2, p.scope().tenantId());
                ps.setString(3, p.scope().environment().apiName());
                ps.setString(4, p.scope().plane().apiName());
                ps.setString(5, p.keyType().apiName());
                ps.setString(6, p.requestedBy());
                ps.setBytes(7, p.publicKeySpki());
                ps.setBytes(8, p.wrappedPrivateKey());
                ps.setString(9, p.masterKeyId());
                ps.setLong(10, p.createdAt().toEpochMilli());
                ps.setLong(11, p.expiresAt().toEpochMilli());
                ps.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public Optional<ImportParams> find(String importToken) {
        return Jdbc.read(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM kms_import_params WHERE import_token = ?")) {
                ps.setString(1, importToken);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    long used = rs.getLong("used_at");
                    Instant usedAt = rs.wasNull() ? null : Instant.ofEpochMilli(used);
                    return Optional.of(new ImportParams(rs.getString("import_token"),
                            new KeyScope(rs.getString("tenant_id"), Environment.fromApiName(rs.getString("environment")).orElseThrow(),
                                    Plane.fromApiName(rs.getString("plane")).orElseThrow()),
                            KeyType.fromApiName(rs.getString("key_type")).orElseThrow(), rs.getString("requested_by"),
                            rs.getBytes("public_key"), rs.getBytes("wrapped_private_key"), rs.getString("master_key_id"),
                            Instant.ofEpochMilli(rs.getLong("created_at")), Instant.ofEpochMilli(rs.getLong("expires_at")),
                            usedAt));
                }
            }
        });
    }

    @Override
    public boolean spend(String importToken, Instant at) {
        return Jdbc.transaction(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE kms_import_params SET used_at = ? WHERE import_token = ? AND used_at IS NULL")) {
                ps.setLong(1, at.toEpochMilli());
                ps.setString(2, importToken);
                return ps.executeUpdate() == 1;
            }
        });
    }
}
