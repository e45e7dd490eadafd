package com.zeroui.kms.store;

import com.zeroui.kms.trust.CrlRepository;
import java.math.BigInteger;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/** {@link CrlRepository} over JDBC. */
public final class JdbcCrlRepository implements CrlRepository {
    private static final String COLUMNS = "crl_id, issuer_dn, crl_number, this_update, next_update, entries, crl_der, "
            + "ingested_at, ingested_by";

    private final DataSource ds;

    public JdbcCrlRepository(Database database) {
        this.ds = database.dataSource();
    }

    @Override
    public boolean putIfNewer(StoredCrl crl) {
        return Jdbc.transaction(ds, c -> {
            String current = null;
            try (PreparedStatement ps = c.prepareStatement("SELECT crl_number FROM kms_external_crls WHERE crl_id = ?")) {
                ps.setString(1, crl.crlId());
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        current = rs.getString(1);
                    }
                }
            }
            if (current != null && new BigInteger(current).compareTo(new BigInteger(crl.crlNumber())) >= 0) {
                return false;
            }
            try (PreparedStatement del = c.prepareStatement("DELETE FROM kms_external_crls WHERE crl_id = ?")) {
                del.setString(1, crl.crlId());
                del.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO kms_external_crls (" + COLUMNS + ") VALUES (?,?,?,?,?,?,?,?,?)")) {
                ps.setString(1, crl.crlId());
                ps.setString(2, crl.issuerDn());
                ps.setString(3, crl.crlNumber());
                ps.setLong(4, crl.thisUpdate().toEpochMilli());
                if (crl.nextUpdate() == null) {
                    ps.setNull(5, Types.BIGINT);
                } else {
                    ps.setLong(5, crl.nextUpdate().toEpochMilli());
                }
                ps.setLong(6, crl.entries());
                ps.setBytes(7, crl.der());
                ps.setLong(8, crl.ingestedAt().toEpochMilli());
                ps.setString(9, crl.ingestedBy());
                ps.executeUpdate();
            }
            return true;
        });
    }

    @Override
    public List<StoredCrl> all() {
        return Jdbc.read(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM kms_external_crls ORDER BY crl_id");
                 ResultSet rs = ps.executeQuery()) {
                List<StoredCrl> out = new ArrayList<>();
                while (rs.next()) {
                    long next = rs.getLong(5);
                    Instant nextUpdate = rs.wasNull() ? null : Instant.ofEpochMilli(next);
                    out.add(new StoredCrl(rs.getString(1), rs.getString(2), rs.getString(3),
                            Instant.ofEpochMilli(rs.getLong(4)), nextUpdate, rs.getLong(6), rs.getBytes(7),
                            Instant.ofEpochMilli(rs.getLong(8)), rs.getString(9)));
                }
                return out;
            }
        });
    }
}
