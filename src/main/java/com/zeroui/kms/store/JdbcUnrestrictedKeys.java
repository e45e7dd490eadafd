package com.zeroui.kms.store;

import com.zeroui.kms.compliance.UnrestrictedKeys;
import com.zeroui.kms.keys.KeyState;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

/** Answered from the partial index kms_keys_without_modules (V18), never a scan of every key. */
public final class JdbcUnrestrictedKeys implements UnrestrictedKeys {
    private final Database database;

    public JdbcUnrestrictedKeys(Database database) {
        this.database = database;
    }

    @Override
    public List<String> keyIdsWithoutAllowedModules(int limit) {
        return Jdbc.read(database.dataSource(), c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT key_id FROM kms_keys WHERE allowed_modules = '' "
                    + "AND key_state <> ? ORDER BY key_id LIMIT ?")) {
                ps.setString(1, KeyState.DESTROYED.apiName());
                ps.setInt(2, limit);
                List<String> ids = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getString(1));
                    }
                }
                return ids;
            }
        });
    }
}
