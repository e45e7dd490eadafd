package com.zeroui.kms.backup;

import com.zeroui.kms.keystore.HsmKeys;
import com.zeroui.kms.keystore.MasterKeyProvider;
import com.zeroui.kms.keystore.Pkcs11MasterKeyProvider;
import com.zeroui.kms.keystore.ProtectionLevel;
import java.security.GeneralSecurityException;
import java.sql.PreparedStatement;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * The token-held keys of a store whose master key lives in a PKCS#11 token: every master-key version
 * some stored row is wrapped by (any table's {@code master_key_id} column) or the store is bound to,
 * and every key at protection level {@code hsm} not yet destroyed. They cannot leave the token, so a
 * backup names them by their token labels, and a restore asks the token for each label. A software
 * master key holds nothing in a token (and hsm keys need a token): nothing to name.
 */
public final class TokenHeldKeys implements TokenKeys {
    private final MasterKeyProvider masterKey;

    public TokenHeldKeys(MasterKeyProvider masterKey) {
        this.masterKey = masterKey;
    }

    @Override
    public List<TokenKeyReference> referencedIn(Connection c) throws SQLException {
        if (!(masterKey instanceof Pkcs11MasterKeyProvider)) {
            return List.of();
        }
        TreeSet<String> versions = new TreeSet<>();
        String bound = StoreTables.masterKeyBinding(c);
        if (bound != null) {
            versions.add(bound);
        }
        for (String table : StoreTables.tables(c)) {
            if (hasColumn(c, table, "master_key_id")) {
                try (Statement s = c.createStatement();
                     ResultSet rs = s.executeQuery("SELECT DISTINCT master_key_id FROM " + table)) {
                    while (rs.next()) {
                        if (rs.getString(1) != null && !ProtectionLevel.HSM_RESIDENT.equals(rs.getString(1))) {
                            versions.add(rs.getString(1));
                        }
                    }
                }
            }
        }
        List<TokenKeyReference> refs = new ArrayList<>();
        versions.forEach(v -> refs.add(new TokenKeyReference(v, Pkcs11MasterKeyProvider.labelOf(v))));
        if (hasColumn(c, "kms_keys", "protection_level")) {
            try (PreparedStatement ps = c.prepareStatement("SELECT key_id FROM kms_keys WHERE protection_level = ?"
                    + " AND destroyed_at IS NULL ORDER BY key_id")) {
                ps.setString(1, ProtectionLevel.HSM.apiName());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        refs.add(new TokenKeyReference(rs.getString(1), HsmKeys.labelOf(rs.getString(1))));
                    }
                }
            }
        }
        return refs;
    }

    @Override
    public List<TokenKeyReference> missingFrom(List<TokenKeyReference> references) {
        if (references.isEmpty()) {
            return List.of();
        }
        if (!(masterKey instanceof Pkcs11MasterKeyProvider p11)) {
            return List.copyOf(references); // no token to hold them
        }
        List<String> labels;
        try {
            labels = p11.token().labels();
        } catch (GeneralSecurityException | com.zeroui.kms.keystore.MasterKeyUnavailableException e) {
            throw new BackupException(BackupException.Kind.SOURCE, "cannot ask the token which keys it holds: "
                    + e.getMessage(), e);
        }
        return references.stream().filter(r -> !labels.contains(r.tokenLabel())).toList();
    }

    private static boolean hasColumn(Connection c, String table, String column) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT * FROM " + table + " WHERE 1 = 0")) {
            ResultSetMetaData meta = rs.getMetaData();
            for (int i = 1; i <= meta.getColumnCount(); i++) {
                if (column.equals(meta.getColumnName(i).toLowerCase(Locale.ROOT))) {
                    return true;
                }
            }
        }
        return false;
    }
}
