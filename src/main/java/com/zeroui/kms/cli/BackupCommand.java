package com.zeroui.kms.cli;

import com.zeroui.kms.backup.BackupCreator;
import com.zeroui.kms.backup.BackupException;
import com.zeroui.kms.backup.BackupFile;
import com.zeroui.kms.backup.BackupFiles;
import com.zeroui.kms.backup.BackupHeader;
import com.zeroui.kms.backup.BackupRestorer;
import com.zeroui.kms.backup.BackupVerifier;
import com.zeroui.kms.backup.TokenHeldKeys;
import com.zeroui.kms.backup.TokenKeyReference;
import com.zeroui.kms.crypto.CryptoSuite;
import com.zeroui.kms.keystore.MasterKeyException;
import com.zeroui.kms.keystore.MasterKeyProvider;
import com.zeroui.kms.keystore.MasterKeySettings;
import com.zeroui.kms.keystore.Pkcs11MasterKeyProvider;
import com.zeroui.kms.keystore.Pkcs11Token;
import com.zeroui.kms.keystore.SoftwareMasterKeyProvider;
import com.zeroui.kms.ops.DatabaseUrls;
import com.zeroui.kms.ops.KmsConfig;
import com.zeroui.kms.store.Database;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "backup", mixinStandardHelpOptions = true, footer = "%nExample: ./kms backup create --out kms.backup",
        description = "Encrypted backups of the store: create, verify, restore",
        subcommands = {BackupCommand.Create.class, BackupCommand.Verify.class, BackupCommand.Restore.class})
final class BackupCommand implements Runnable {
    /** Exit status when the file or target fails a check (wrong key, damaged, not empty); 2 is for unusable input. */
    static final int REFUSED = 1;
    static final int FAILED = 2;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /**
     * Where the master key comes from: the data directory's key file (or --master-key FILE), or, with
     * --master-key-provider pkcs11, the token named by the --pkcs11-* options.
     */
    static final class MasterKeyOption {
        @Option(names = "--master-key", paramLabel = "FILE",
                description = "Software master key file (default: the data directory's master.key and master-keys/*.key). Keep it apart from"
                        + " the backups.")
        Path file;

        Path resolve(KmsConfig config) {
            return file != null ? file : config.masterKeyFile();
        }

        boolean inToken(KmsConfig config) {
            return config.masterKey().provider() == MasterKeySettings.Kind.PKCS11;
        }

        /** @param currentVersion the version new wraps use (a token holds several; a key file has one) */
        MasterKeyProvider open(KmsConfig config, java.util.function.Supplier<String> currentVersion) {
            try {
                if (inToken(config)) {
                    return new Pkcs11MasterKeyProvider(Pkcs11Token.open(config.masterKey()), currentVersion);
                }
                if (file != null) {
                    return SoftwareMasterKeyProvider.load(file);
                }
                // the data directory's every version: after a software rotation the current one is in master-keys/
                return SoftwareMasterKeyProvider.open(config.masterKeyFile(),
                        config.dataDir().resolve(SoftwareMasterKeyProvider.VERSIONS_DIRECTORY), currentVersion);
            } catch (MasterKeyException e) {
                throw new BackupException(BackupException.Kind.WRONG_MASTER_KEY, e.getMessage());
            }
        }
    }

    static int report(String action, Exception e) {
        if (e instanceof BackupException be) {
            System.err.println("kms: " + action + ": " + be.getMessage());
            return be.kind() == BackupException.Kind.SOURCE ? FAILED : REFUSED;
        }
        String message = e instanceof NoSuchFileException ? "no such file " + e.getMessage() : e.getMessage();
        System.err.println("kms: " + action + ": " + message);
        return FAILED;
    }

    @Command(name = "create", mixinStandardHelpOptions = true, footer = "%nExample: ./kms backup create --out kms-2026-12-03.backup",
            description = "Write a consistent, encrypted snapshot of every table while the service runs")
    static final class Create implements Callable<Integer> {
        @Mixin
        StoreOptions store;

        @Mixin
        MasterKeyOption masterKey;

        @Option(names = "--out", required = true, paramLabel = "FILE", description = "Backup file to write")
        Path out;

        @Override
        public Integer call() {
            KmsConfig config = store.toConfig();
            if (!AuditCommand.hasDatabase(store, config)) {
                return FAILED;
            }
            long started = System.nanoTime();
            try (Connection c = Database.snapshotConnection(config.databaseUrl(), config.databaseUser(), config.databasePassword())) {
                String bound = BackupCreator.boundMasterKey(c);
                try (MasterKeyProvider key = masterKey.open(config, () -> bound)) {
                    BackupCreator creator = new BackupCreator(CryptoSuite.select(config.cryptoProvider()), Clock.systemUTC(),
                            new TokenHeldKeys(key));
                    BackupHeader header = BackupFiles.create(creator, c, key, out);
                    long millis = (System.nanoTime() - started) / 1_000_000;
                    System.out.println("kms: backup " + out.toAbsolutePath() + " written in " + millis + " ms, " + Files.size(out)
                            + " bytes: " + summary(header));
                    printTokenKeys(header.tokenKeys(), "is recorded by reference: the token must hold it for a restore");
                    return 0;
                }
            } catch (IOException | SQLException | RuntimeException e) {
                return report("backup failed", e);
            }
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true, footer = "%nExample: ./kms backup verify kms.backup --master-key /safe/master.key",
            description = "Check a backup's integrity with the master key and print what it holds; writes nothing."
                    + " Exit 0 when it verifies, 1 when it is damaged or made under another master key, 2 when unreadable")
    static final class Verify implements Callable<Integer> {
        @Parameters(paramLabel = "FILE", description = "Backup file")
        Path file;

        @Mixin
        StoreOptions store;

        @Mixin
        MasterKeyOption masterKey;

        @Override
        public Integer call() {
            KmsConfig config = store.toConfig();
            try {
                BackupHeader peek = BackupFiles.readHeader(file);
                try (MasterKeyProvider key = masterKey.open(config, peek::masterKeyId)) {
                    BackupVerifier.Result result = BackupFiles.verify(file, key, CryptoSuite.select(CryptoSuite.Preference.AUTO));
                BackupHeader h = result.header();
                System.out.println("kms: backup " + file.toAbsolutePath() + " verifies (every chunk authenticates, the row"
                        + " counts and the log root match the header)");
                System.out.println("kms: " + summary(h));
                for (Map.Entry<String, Long> e : h.sortedTables().entrySet()) {
                    System.out.println("kms:   " + e.getKey() + " " + e.getValue());
                }
                    printTokenKeys(h.tokenKeys(), "is recorded by reference: the token must hold it for a restore");
                    return 0;
                }
            } catch (IOException | RuntimeException e) {
                return report("backup " + file + " does not verify", e);
            }
        }
    }

    @Command(name = "restore", mixinStandardHelpOptions = true, footer = "%nExample: ./kms backup restore kms.backup --data-dir /srv/kms",
            description = "Restore a backup into an empty data directory or database (refuses a used one unless --force),"
                    + " checking the restored log against the backup before it commits")
    static final class Restore implements Callable<Integer> {
        @Parameters(paramLabel = "FILE", description = "Backup file")
        Path file;

        @Mixin
        StoreOptions store;

        @Mixin
        MasterKeyOption masterKey;

        @Option(names = "--force", description = "Replace whatever the target database holds")
        boolean force;

        @Option(names = "--allow-missing-token-keys",
                description = "Restore even when HSM-held keys the backup names are not in the token (they stay unusable)")
        boolean allowMissingTokenKeys;

        @Override
        public Integer call() {
            KmsConfig config = store.toConfig();
            long started = System.nanoTime();
            try {
                BackupHeader peek = BackupFiles.readHeader(file);
                Path keyFile = masterKey.resolve(config);
                if (!masterKey.inToken(config) && !Files.exists(keyFile)) {
                    System.err.println("kms: restore needs the master key the backup names (" + peek.masterKeyLabel()
                            + "): pass --master-key FILE or place it at " + config.masterKeyFile());
                    return FAILED;
                }
                try (MasterKeyProvider key = masterKey.open(config, peek::masterKeyId); InputStream in = BackupFiles.in(file);
                     BackupFile.Opened opened = BackupFile.open(in, key, CryptoSuite.select(config.cryptoProvider()))) {
                    if (!masterKey.inToken(config)) {
                        checkDataDirKey(config, key);
                    }
                    List<TokenKeyReference> missing = new TokenHeldKeys(key).missingFrom(opened.header().tokenKeys());
                    if (!missing.isEmpty()) {
                        printTokenKeys(missing, "NOT in the token");
                        if (!allowMissingTokenKeys) {
                            System.err.println("kms: restore refused: " + missing.size() + " HSM-held key(s) the backup names"
                                    + " are not in the token; restore the token or pass --allow-missing-token-keys");
                            return REFUSED;
                        }
                    }
                    Files.createDirectories(config.dataDir(), PosixFilePermissions.asFileAttribute(
                            PosixFilePermissions.fromString("rwx------")));
                    BackupRestorer.Result result;
                    try (Database target = Database.openAtSchemaVersion(config.databaseUrl(), config.databaseUser(),
                            config.databasePassword(), opened.header().schemaVersion());
                         Connection c = target.dataSource().getConnection()) {
                        result = new BackupRestorer().restore(opened, c, force);
                    }
                    // the ordinary open migrates the restored rows to this build's schema
                    Database.open(config.databaseUrl(), config.databaseUser(), config.databasePassword()).close();
                    if (!masterKey.inToken(config)) {
                        installMasterKey(keyFile, config.masterKeyFile());
                    }
                    setAsideCheckpoint(config.dataDir());
                    long millis = (System.nanoTime() - started) / 1_000_000;
                    System.out.println("kms: restored " + file.toAbsolutePath() + " into " + DatabaseUrls.redact(config.databaseUrl())
                            + " in " + millis + " ms: " + summary(opened.header()));
                    System.out.println("kms: the restored log has the backup's size and root; " + result.treeHeadsChecked()
                            + " signed tree heads match it");
                    if (opened.header().rows("kms_audit_seals") > 0) {
                        System.out.println("kms: note: the log's oldest receipts are in sealed archive files, which backups do"
                                + " not hold; keep those files with the backups");
                    }
                    System.out.println("kms: start it with: ./kms serve --data-dir " + config.dataDir()
                            + (store.databaseUrl == null ? "" : " --database-url " + DatabaseUrls.redact(config.databaseUrl())));
                    return 0;
                }
            } catch (IOException | SQLException | RuntimeException e) {
                return report("restore failed", e);
            }
        }

        /** The data directory's own master key, if it has one, must be the backup's. */
        private static void checkDataDirKey(KmsConfig config, MasterKeyProvider key) {
            Path own = config.masterKeyFile();
            if (Files.exists(own)) {
                try (MasterKeyProvider existing = SoftwareMasterKeyProvider.load(own)) {
                    if (!existing.keyId().equals(key.keyId())) {
                        throw new BackupException(BackupException.Kind.WRONG_MASTER_KEY, own + " holds master key "
                                + existing.keyId() + ", not the backup's " + key.keyId() + "; restore into another data directory");
                    }
                } catch (MasterKeyException e) {
                    throw new BackupException(BackupException.Kind.WRONG_MASTER_KEY, e.getMessage());
                }
            }
        }

        /**
         * The audit checkpoint a node keeps in its data directory describes the log that was replaced; a
         * node would (rightly) refuse the restored log as cut back. The restore is that deliberate cut.
         */
        private static void setAsideCheckpoint(Path dataDir) throws IOException {
            Path checkpoint = dataDir.resolve(com.zeroui.kms.audit.Checkpoint.FILE_NAME);
            if (Files.exists(checkpoint)) {
                Path aside = checkpoint.resolveSibling(checkpoint.getFileName() + ".before-restore-" + System.currentTimeMillis());
                Files.move(checkpoint, aside);
                System.out.println("kms: note: the audit checkpoint of the replaced log moved to " + aside);
            }
        }

        /** The service finds its master key in the data directory: copy it there (owner-only) when it is not. */
        private static void installMasterKey(Path from, Path to) throws IOException {
            if (Files.exists(to)) {
                return;
            }
            Path tmp = to.resolveSibling(".master.key.partial");
            Files.deleteIfExists(tmp);
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.copy(from, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, to, StandardCopyOption.ATOMIC_MOVE);
        }
    }

    static String summary(BackupHeader h) {
        return h.rows("kms_keys") + " keys, a log of " + h.logSize() + " receipts (root " + h.logRootHex() + "), "
                + h.tables().size() + " tables, schema version " + h.schemaVersion() + " from " + h.sourceEngine()
                + ", made " + h.createdAt() + " under master key " + h.masterKeyLabel();
    }

    static void printTokenKeys(List<TokenKeyReference> refs, String what) {
        for (TokenKeyReference r : refs) {
            System.out.println("kms: HSM-held key " + r.keyId() + " (token label " + r.tokenLabel() + ") " + what);
        }
    }
}
