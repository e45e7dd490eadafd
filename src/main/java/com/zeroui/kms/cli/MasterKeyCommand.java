package com.zeroui.kms.cli;

import com.zeroui.kms.app.DataDirectory;
import com.zeroui.kms.app.MasterKeyRotation;
import com.zeroui.kms.app.StartupException;
import com.zeroui.kms.audit.AuditRecord;
import com.zeroui.kms.audit.AuditTrail;
import com.zeroui.kms.audit.Audited;
import com.zeroui.kms.keystore.MasterKeyException;
import com.zeroui.kms.keystore.MasterKeySettings;
import com.zeroui.kms.keystore.Pkcs11Token;
import com.zeroui.kms.ops.KmsConfig;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code kms master-key rotate|migrate}: operator commands on the data directory, run beside the
 * service (rotate) or with it stopped (migrate). Each leaves a receipt in the audit log naming the
 * operator, the versions and how many blobs were re-wrapped.
 */
@Command(name = "master-key", mixinStandardHelpOptions = true, footer = "%nExample: ./kms master-key rotate", description = "Rotate the master key, or move it into a PKCS#11 token",
        subcommands = {MasterKeyCommand.Rotate.class, MasterKeyCommand.Migrate.class})
final class MasterKeyCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Paces the re-wrap so a running service and its HSM keep their headroom. */
    static final class Pace {
        @Option(names = "--batch-size", defaultValue = "100", description = "Blobs read per batch. Default: ${DEFAULT-VALUE}")
        int batchSize;

        @Option(names = "--max-keys-per-second", defaultValue = "0",
                description = "Re-wrap at most this many blobs a second (0: as fast as possible). Default: ${DEFAULT-VALUE}")
        double maxKeysPerSecond;
    }

    @Command(name = "rotate", mixinStandardHelpOptions = true, footer = "%nExample: ./kms master-key rotate --max-keys-per-second 500",
            description = "Create a new master-key version in the same provider, re-wrap every key under it while the service runs,"
                    + " then destroy the old version; a run that was interrupted is resumed")
    static final class Rotate implements Callable<Integer> {
        @Mixin
        StoreOptions store;

        @Mixin
        Pace pace;

        @Override
        public Integer call() {
            Clock clock = Clock.systemUTC();
            KmsConfig config = store.toConfig();
            try (DataDirectory dir = DataDirectory.open(config, clock);
                 OperatorAudit audit = OperatorAudit.open(dir, config, clock)) {
                MasterKeyRotation rotation = new MasterKeyRotation(dir, pace.batchSize, pace.maxKeysPerSecond, System.out::println);
                AuditTrail trail = audit.trail(clock);
                AuditRecord record = trail.begin("master_key_rotated", "master_key_rotate", audit.operator())
                        .param("provider", config.masterKey().provider().apiName());
                Audited<MasterKeyRotation.Outcome> done = trail.run(record, () -> {
                    MasterKeyRotation.Outcome outcome = unchecked(rotation::rotate);
                    record.param("from_master_key_id", outcome.from()).param("to_master_key_id", outcome.to())
                            .param("rewrapped", outcome.rewrapped()).param("resumed", outcome.resumed());
                    return outcome;
                });
                System.out.println("kms: master key rotated from " + done.value().from() + " to " + done.value().to() + " ("
                        + done.value().rewrapped() + " blobs re-wrapped); receipt " + done.receiptId());
                return 0;
            } catch (StartupException | IllegalArgumentException | IllegalStateException e) {
                System.err.println("kms: master-key rotate failed: " + e.getMessage());
                return 2;
            }
        }
    }

    @Command(name = "migrate", mixinStandardHelpOptions = true, footer = "%nExample: ./kms master-key migrate --to pkcs11 --pkcs11-token-label kms",
            description = "Move a software master key (DATA_DIR/master.key) into a PKCS#11 token: re-wrap every key under a new"
                    + " master key in the token, bind the database to it, erase master.key. Stop the service first; an interrupted"
                    + " run is resumed by running it again")
    static final class Migrate implements Callable<Integer> {
        @Mixin
        StoreOptions store;

        @Mixin
        Pace pace;

        @Option(names = "--to", required = true, description = "The provider to move to: pkcs11 (with the --pkcs11-* options)")
        String to;

        @Override
        public Integer call() {
            if (!"pkcs11".equals(to)) {
                System.err.println("kms: master-key migrate failed: --to must be pkcs11");
                return 2;
            }
            Clock clock = Clock.systemUTC();
            MasterKeySettings target = MasterKeySettings.pkcs11(store.pkcs11Library, store.pkcs11TokenLabel, store.pkcs11Slot,
                    store.pkcs11PinFile);
            KmsConfig config = store.configBuilder().masterKey(MasterKeySettings.software()).build();
            try (Pkcs11Token token = Pkcs11Token.open(target);
                 DataDirectory dir = DataDirectory.open(config, clock);
                 OperatorAudit audit = OperatorAudit.open(dir, config, clock)) {
                MasterKeyRotation migration = new MasterKeyRotation(dir, pace.batchSize, pace.maxKeysPerSecond, System.out::println);
                AuditTrail trail = audit.trail(clock);
                AuditRecord record = trail.begin("master_key_migrated", "master_key_migrate", audit.operator())
                        .param("to_provider", "pkcs11");
                Audited<MasterKeyRotation.Outcome> done = trail.run(record, () -> {
                    MasterKeyRotation.Outcome outcome = unchecked(() -> migration.migrateToPkcs11(token, config.masterKeyFile()));
                    record.param("from_master_key_id", outcome.from()).param("to_master_key_id", outcome.to())
                            .param("rewrapped", outcome.rewrapped()).param("resumed", outcome.resumed());
                    return outcome;
                });
                System.out.println("kms: master key moved from " + done.value().from() + " to " + done.value().to()
                        + " in the token (" + done.value().rewrapped() + " blobs re-wrapped); receipt " + done.receiptId()
                        + "; start the service with --master-key-provider pkcs11");
                return 0;
            } catch (MasterKeyException | StartupException | IllegalArgumentException | IllegalStateException e) {
                System.err.println("kms: master-key migrate failed: " + e.getMessage());
                return 2;
            }
        }
    }

    private interface Step<T> {
        T run() throws MasterKeyException, InterruptedException;
    }

    private static <T> T unchecked(Step<T> step) {
        try {
            return step.run();
        } catch (MasterKeyException e) {
            throw new IllegalStateException(e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
