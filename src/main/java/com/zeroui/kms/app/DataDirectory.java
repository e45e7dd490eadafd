package com.zeroui.kms.app;

import com.zeroui.kms.auth.Role;
import com.zeroui.kms.crypto.Pem;
import com.zeroui.kms.keystore.MasterKeyException;
import com.zeroui.kms.keystore.MasterKeyProvider;
import com.zeroui.kms.keystore.MasterKeySettings;
import com.zeroui.kms.keystore.SoftwareMasterKeyProvider;
import com.zeroui.kms.ops.DatabaseUrls;
import com.zeroui.kms.ops.KmsConfig;
import com.zeroui.kms.store.Database;
import com.zeroui.kms.store.JdbcCaRepository;
import com.zeroui.kms.store.JdbcMetaRepository;
import com.zeroui.kms.trust.CertificateAuthority;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Opens (and on first use creates) everything a node needs from its data directory and database:
 * the database schema, the master key bound to that database, the internal CA and the admin
 * credentials. Never re-initialises over existing state: a missing, corrupt or mismatched master key
 * stops start-up with a message that says what to restore.
 */
public final class DataDirectory implements AutoCloseable {
    static final String META_MASTER_KEY_ID = "master_key_id";
    public static final String ADMIN_MODULE = "kms-admin";

    private final KmsConfig config;
    private final Database database;
    private final MasterKeyProvider masterKey;
    private final CertificateAuthority ca;

    private DataDirectory(KmsConfig config, Database database, MasterKeyProvider masterKey, CertificateAuthority ca) {
        this.config = config;
        this.database = database;
        this.masterKey = masterKey;
        this.ca = ca;
    }

    public static DataDirectory open(KmsConfig config, Clock clock) {
        com.zeroui.kms.keystore.Pkcs11Token token = config.masterKey().provider() == MasterKeySettings.Kind.PKCS11
                ? Pkcs11Binding.openToken(config.masterKey()) : null;
        try {
            PrivateFiles.requirePrivateDirectory(config.dataDir());
            PrivateFiles.requirePrivateKeyFile(config.masterKeyFile());
            PrivateFiles.requirePrivateKeyFiles(config.dataDir().resolve(SoftwareMasterKeyProvider.VERSIONS_DIRECTORY));
            PrivateFiles.privateSqliteFiles(config.databaseUrl());
        } catch (RuntimeException e) {
            if (token != null) {
                token.close();
            }
            throw e;
        }
        Database database;
        try {
            database = Database.open(config.databaseUrl(), config.databaseUser(), config.databasePassword());
        } catch (RuntimeException e) {
            if (token != null) {
                token.close();
            }
            throw new StartupException(e.getMessage(), e);
        }
        try {
            MasterKeyProvider masterKey = token != null
                    ? Pkcs11Binding.bind(token, new JdbcMetaRepository(database), config.databaseUrl())
                    : bindMasterKey(config, new JdbcMetaRepository(database));
            CertificateAuthority ca = CertificateAuthority.loadOrCreate(new JdbcCaRepository(database), masterKey,
                    config.identities(), clock);
            DataDirectory dir = new DataDirectory(config, database, masterKey, ca);
            dir.writeTrustFiles(clock);
            return dir;
        } catch (RuntimeException e) {
            database.close();
            if (token != null) {
                token.close();
            }
            throw e instanceof StartupException ? e : new StartupException(e.getMessage(), e);
        }
    }

    private static MasterKeyProvider bindMasterKey(KmsConfig config, JdbcMetaRepository meta) {
        Path file = config.masterKeyFile();
        Path versions = config.dataDir().resolve(SoftwareMasterKeyProvider.VERSIONS_DIRECTORY);
        Optional<String> bound = meta.get(META_MASTER_KEY_ID);
        String db = DatabaseUrls.redact(config.databaseUrl());
        try {
            if (bound.isPresent() && "pkcs11".equals(meta.get(Pkcs11Binding.META_PROVIDER).orElse("software"))) {
                throw new StartupException("the database " + db + " is bound to master key " + bound.get()
                        + " inside a PKCS#11 token; start with --master-key-provider pkcs11 and the token's settings");
            }
            if (bound.isPresent()) {
                // every version in the data directory; the database names the current one (a rotation changes it)
                SoftwareMasterKeyProvider key = SoftwareMasterKeyProvider.open(file, versions, currentVersion(meta));
                List<String> held = key.versionIds();
                if (held.isEmpty()) {
                    throw new StartupException("master key file " + file + " is missing, but the database " + db
                            + " holds key material wrapped by master key " + bound.get() + " (" + meta.countKeys()
                            + " keys). Restore the master key file from backup. Refusing to create a new master key:"
                            + " it would orphan every existing key.");
                }
                if (!held.contains(bound.get())) {
                    throw new StartupException((held.size() == 1 ? "master key file " + key.fileOf(held.get(0))
                            + " holds master key " + held.get(0) : "the master key files in " + config.dataDir()
                            + " hold master keys " + held) + ", but the database " + db + " is bound to master key "
                            + bound.get() + ". Point --data-dir and --database-url at matching locations.");
                }
                return key;
            }
            if (meta.countKeys() > 0) {
                throw new StartupException("the database " + db + " holds keys but no master key binding; refusing to start");
            }
            MasterKeyProvider created = Files.exists(file) ? SoftwareMasterKeyProvider.load(file)
                    : SoftwareMasterKeyProvider.create(file);
            String winner = meta.putIfAbsent(META_MASTER_KEY_ID, created.keyId());
            if (!winner.equals(created.keyId())) {
                throw new StartupException("another node bound the database " + db + " to master key " + winner
                        + " while this one started with " + created.keyId() + "; copy that node's master key file");
            }
            return SoftwareMasterKeyProvider.open(file, versions, currentVersion(meta));
        } catch (MasterKeyException e) {
            throw new StartupException(e.getMessage() + ". Restore the master key file from backup; refusing to"
                    + " start with a different key.", e);
        } catch (IOException e) {
            throw new StartupException("cannot create the master key file " + file + ": " + e.getMessage(), e);
        }
    }

    private static final long REFRESH_NANOS = 1_000_000_000L;

    /**
     * The recorded current master-key version (either provider), re-read at most once a second;
     * the last value read survives a failed read. A rotation run beside the node changes it.
     */
    static Supplier<String> currentVersion(JdbcMetaRepository meta) {
        return new Supplier<>() {
            private volatile String value;
            private volatile long readAt;

            @Override
            public String get() {
                long now = System.nanoTime();
                if (value == null || now - readAt > REFRESH_NANOS) {
                    try {
                        meta.get(DataDirectory.META_MASTER_KEY_ID).ifPresent(v -> value = v);
                        readAt = now;
                    } catch (RuntimeException e) {
                        if (value == null) {
                            throw e;
                        }
                    }
                }
                return value;
            }
        };
    }

    /**
     * ca.pem always reflects the stored root; admin credentials are created once and then kept while
     * they can still reach this node: issued by this database's CA (not another database's that the
     * directory met before) and not expired.
     */
    private void writeTrustFiles(Clock clock) {
        Path tls = config.tlsDir();
        try {
            // every file in the data directory is the owner's alone, certificates included
            CertificateAuthority.writeAtomically(tls.resolve("ca.pem"), Pem.certificate(ca.ca().root()), true);
            Path adminCert = tls.resolve("admin.pem");
            Path adminKey = tls.resolve("admin.key");
            if (!Files.exists(adminKey) || !validFromThisCa(adminCert, clock)) {
                CertificateAuthority.ClientCredential admin = ca.issueClient(ADMIN_MODULE, null, Set.of(Role.ADMIN),
                        config.clientCertificateTtl());
                CertificateAuthority.writeAtomically(adminCert, Pem.certificates(admin.chain()), true);
                CertificateAuthority.writeAtomically(adminKey, Pem.privateKey(admin.privateKey()), true);
            }
        } catch (IOException e) {
            throw new StartupException("cannot write TLS files under " + tls + ": " + e.getMessage(), e);
        }
    }

    private boolean validFromThisCa(Path certFile, Clock clock) {
        try {
            List<X509Certificate> chain = Pem.parseCertificates(Files.readString(certFile));
            if (chain.isEmpty()) {
                return false;
            }
            chain.get(0).verify(ca.ca().issuing().getPublicKey());
            chain.get(0).checkValidity(Date.from(clock.instant()));
            return true;
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    public Database database() {
        return database;
    }

    public MasterKeyProvider masterKey() {
        return masterKey;
    }

    public CertificateAuthority ca() {
        return ca;
    }

    public Duration clientCertificateTtl() {
        return config.clientCertificateTtl();
    }

    @Override
    public void close() {
        masterKey.close();
        database.close();
    }
}
