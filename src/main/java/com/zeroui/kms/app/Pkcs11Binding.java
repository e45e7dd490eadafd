package com.zeroui.kms.app;

import com.zeroui.kms.keystore.MasterKeyException;
import com.zeroui.kms.keystore.MasterKeySettings;
import com.zeroui.kms.keystore.Pkcs11MasterKeyProvider;
import com.zeroui.kms.keystore.Pkcs11Token;
import com.zeroui.kms.ops.DatabaseUrls;
import com.zeroui.kms.store.JdbcMetaRepository;
import java.util.Optional;

/**
 * Binds a database to a master key inside a PKCS#11 token: the first start creates the key in the
 * token and records its id; later starts refuse a token that lacks the recorded key. The current
 * master-key version is re-read from the database (at most once a second), so a rotation run by
 * {@code kms master-key rotate} reaches running nodes without a restart.
 */
final class Pkcs11Binding {
    static final String META_PROVIDER = "master_key_provider";

    private Pkcs11Binding() {
    }

    /** Opens the token before anything is written, so a wrong PIN or a missing token changes nothing. */
    static Pkcs11Token openToken(MasterKeySettings settings) {
        try {
            return Pkcs11Token.open(settings);
        } catch (MasterKeyException e) {
            throw new StartupException(e.getMessage(), e);
        }
    }

    static Pkcs11MasterKeyProvider bind(Pkcs11Token token, JdbcMetaRepository meta, String databaseUrl) {
        String db = DatabaseUrls.redact(databaseUrl);
        Pkcs11MasterKeyProvider provider = new Pkcs11MasterKeyProvider(token, DataDirectory.currentVersion(meta));
        Optional<String> bound = meta.get(DataDirectory.META_MASTER_KEY_ID);
        try {
            if (bound.isPresent()) {
                if (!"pkcs11".equals(meta.get(META_PROVIDER).orElse("software"))) {
                    throw new StartupException("the database " + db + " is bound to the software master key " + bound.get()
                            + "; move it into the token with ./kms master-key migrate --to pkcs11, or start with"
                            + " --master-key-provider software");
                }
                if (!provider.holds(bound.get())) {
                    throw new StartupException(token.description() + " holds no master key " + bound.get() + " (label "
                            + Pkcs11MasterKeyProvider.labelOf(bound.get()) + "), but the database " + db + " holds "
                            + meta.countKeys() + " keys wrapped by it; point at the token that holds it. Refusing to"
                            + " create a new master key: it would orphan every existing key.");
                }
                return provider;
            }
            if (meta.countKeys() > 0) {
                throw new StartupException("the database " + db + " holds keys but no master key binding; refusing to start");
            }
            String created = provider.createVersion();
            meta.putIfAbsent(META_PROVIDER, "pkcs11");
            String winner = meta.putIfAbsent(DataDirectory.META_MASTER_KEY_ID, created);
            if (!winner.equals(created)) {
                provider.destroyVersion(created); // another node bound the database first: use its key
                if (!provider.holds(winner)) {
                    throw new StartupException("another node bound the database " + db + " to master key " + winner
                            + ", which " + token.description() + " does not hold");
                }
            }
            return provider;
        } catch (MasterKeyException e) {
            throw new StartupException(e.getMessage(), e);
        }
    }
}
