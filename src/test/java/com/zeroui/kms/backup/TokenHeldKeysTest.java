package com.zeroui.kms.backup;

import static org.assertj.core.api.Assertions.assertThat;

import com.zeroui.kms.keystore.HsmKeys;
import com.zeroui.kms.keystore.MasterKeySettings;
import com.zeroui.kms.keystore.Pkcs11MasterKeyProvider;
import com.zeroui.kms.keystore.Pkcs11Token;
import com.zeroui.kms.keystore.SoftwareMasterKeyProvider;
import com.zeroui.kms.store.Database;
import com.zeroui.kms.support.SoftHsm;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keys a backup can only name, against a real SoftHSM2 token: master-key versions and hsm-level keys. */
class TokenHeldKeysTest {
    @TempDir
    Path tmp;

    @Test
    void namesTheTokenVersionsAndHsmKeysAndFindsThoseTheTokenLacks() throws Exception {
        SoftHsm hsm = SoftHsm.forThisJvm();
        AtomicReference<String> current = new AtomicReference<>();
        try (Pkcs11MasterKeyProvider token = new Pkcs11MasterKeyProvider(
                Pkcs11Token.open(MasterKeySettings.pkcs11(SoftHsm.LIBRARY, hsm.label(), null, hsm.pinFile())), current::get);
             Database db = Database.open("jdbc:sqlite:" + tmp.resolve("kms.db"), null, null);
             Connection c = db.dataSource().getConnection()) {
            String version = token.createVersion();
            current.set(version);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO kms_meta (name, value) VALUES ('master_key_id', ?)")) {
                ps.setString(1, version);
                ps.executeUpdate();
            }
            insertKey(c, "k-software", "software", version, null);
            insertKey(c, "k-hsm-gone", "hsm", "hsm-resident", null);
            insertKey(c, "k-hsm-destroyed", "hsm", "hsm-resident", 1L);

            List<TokenKeyReference> refs = new TokenHeldKeys(token).referencedIn(c);
            assertThat(refs).containsExactlyInAnyOrder(
                    new TokenKeyReference(version, Pkcs11MasterKeyProvider.labelOf(version)),
                    new TokenKeyReference("k-hsm-gone", HsmKeys.labelOf("k-hsm-gone")));
            // the token holds the master-key version but no object for the hsm key
            assertThat(new TokenHeldKeys(token).missingFrom(refs))
                    .containsExactly(new TokenKeyReference("k-hsm-gone", HsmKeys.labelOf("k-hsm-gone")));

            try (SoftwareMasterKeyProvider file = SoftwareMasterKeyProvider.create(tmp.resolve("master.key"))) {
                assertThat(new TokenHeldKeys(file).referencedIn(c)).isEmpty();
                assertThat(new TokenHeldKeys(file).missingFrom(refs)).as("no token: none is held").isEqualTo(refs);
            }
            token.destroyVersion(version);
        }
    }

    private static void insertKey(Connection c, String id, String level, String masterKeyId, Long destroyedAt) throws Exception {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO kms_keys (key_id, tenant_id, environment, plane,"
                + " key_type, key_usage, key_state, created_at, valid_from, rotation_count, allowed_modules,"
                + " requires_approval, max_usage_per_day, created_by, wrapped_material, master_key_id, protection_level,"
                + " destroyed_at) VALUES (?, 't', 'dev', 'tenant', 'AES-256', 'encrypt,decrypt', 'active', 0, 0, 0, '', 0, 1,"
                + " 'test', ?, ?, ?, ?)")) {
            ps.setString(1, id);
            ps.setBytes(2, new byte[0]);
            ps.setString(3, masterKeyId);
            ps.setString(4, level);
            if (destroyedAt == null) {
                ps.setNull(5, java.sql.Types.BIGINT);
            } else {
                ps.setLong(5, destroyedAt);
            }
            ps.executeUpdate();
        }
    }
}
