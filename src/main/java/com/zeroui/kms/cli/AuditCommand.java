package com.zeroui.kms.cli;

import com.zeroui.kms.app.DataDirectory;
import com.zeroui.kms.app.KmsNode;
import com.zeroui.kms.audit.BundleExporter;
import com.zeroui.kms.audit.BundleVerifier;
import com.zeroui.kms.auth.CallerIdentity;
import com.zeroui.kms.crypto.CryptoSuite;
import com.zeroui.kms.crypto.KeyType;
import com.zeroui.kms.keys.KeyRecord;
import com.zeroui.kms.store.JdbcAuditRepository;
import com.zeroui.kms.store.JdbcKeyRepository;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.PublicKey;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "audit", mixinStandardHelpOptions = true, description = "Export and verify the receipt log offline",
        subcommands = {AuditCommand.Export.class, AuditCommand.Verify.class})
final class AuditCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Only the service's own receipt-signing keys may vouch for receipts: not any key a receipt happens to name. */
    static boolean isReceiptKey(KeyRecord key) {
        return key.type() == KeyType.ED25519 && CallerIdentity.GLOBAL_TENANT.equals(key.tenantId())
                && KmsNode.RECEIPT_KEY_ALIAS.equals(key.alias()) && key.publicKeySpki() != null;
    }

    @Command(name = "export", mixinStandardHelpOptions = true,
            description = "Write the receipts, signed tree heads and receipt public keys to a bundle (works while a server runs)")
    static final class Export implements Callable<Integer> {
        @Mixin
        StoreOptions store;

        @Option(names = "--out", required = true, description = "Bundle file to write")
        Path out;

        @Override
        public Integer call() {
            var config = store.toConfig();
            // exporting must not initialise a new, empty KMS where the operator mistyped a path
            if ((store.databaseUrl == null || store.databaseUrl.isBlank()) && !Files.exists(config.dataDir().resolve("kms.db"))) {
                System.err.println("kms: no KMS database in " + config.dataDir() + " (use --data-dir)");
                return 2;
            }
            Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
            try (DataDirectory dir = DataDirectory.open(config, Clock.systemUTC())) {
                JdbcKeyRepository keys = new JdbcKeyRepository(dir.database());
                BundleExporter exporter = new BundleExporter(new JdbcAuditRepository(dir.database()),
                        id -> keys.findById(id).filter(AuditCommand::isReceiptKey).map(KeyRecord::publicKeySpki),
                        Clock.systemUTC());
                BundleExporter.Summary summary;
                try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(tmp))) {
                    summary = exporter.export(os);
                }
                // a half-written bundle never takes the name of a complete one
                Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                for (String missing : summary.missingKeyIds()) {
                    System.err.println("kms: warning: key " + missing + " is named by the log but is not a receipt key here");
                }
                System.out.println("kms: exported " + summary.receipts() + " receipts, " + summary.treeHeads()
                        + " tree heads, " + summary.keyIds().size() + " receipt keys to " + out.toAbsolutePath());
                return 0;
            } catch (IOException | RuntimeException e) {
                // start-up (StartupException), storage (KmsException) and file failures alike
                deleteQuietly(tmp);
                System.err.println("kms: audit export failed: " + e.getMessage());
                return 2;
            }
        }

        private static void deleteQuietly(Path file) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // nothing more to do: the failure is reported already
            }
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Check a bundle offline: receipt signatures, log order, recomputed Merkle tree, signed tree heads."
                    + " Exit 0 when it verifies, 1 naming the first bad receipt index or tree head, 2 when it cannot be read")
    static final class Verify implements Callable<Integer> {
        @Parameters(paramLabel = "FILE", description = "Bundle written by 'kms audit export'")
        Path bundle;

        @Option(names = "--trusted-keys", paramLabel = "FILE",
                description = "Receipt keys to trust instead of the bundle's own: the JSON of GET /kms/v1/audit/receipt-keys")
        Path trustedKeys;

        @Override
        public Integer call() {
            BundleVerifier verifier = new BundleVerifier(CryptoSuite.select(CryptoSuite.Preference.AUTO));
            Map<String, PublicKey> trusted = null;
            if (trustedKeys != null) {
                try (InputStream in = Files.newInputStream(trustedKeys)) {
                    trusted = verifier.readKeyList(in);
                } catch (IOException e) {
                    System.err.println("kms: cannot read the trusted keys " + trustedKeys + ": " + describe(e));
                    return 2;
                }
            }
            BundleVerifier.Result result;
            try (InputStream in = new BufferedInputStream(Files.newInputStream(bundle))) {
                result = verifier.verify(in, trusted);
            } catch (IOException e) {
                System.err.println("kms: cannot read the bundle " + bundle + ": " + describe(e));
                return 2;
            }
            if (!result.ok()) {
                System.err.println("kms: audit bundle " + bundle + " does not verify: " + result.problem().message());
                return 1;
            }
            System.out.println("kms: verified " + result.receipts() + " receipts, " + result.treeHeads() + " tree heads"
                    + " (receipt keys " + String.join(", ", result.keyIds())
                    + (trusted == null ? ", taken from the bundle" : ", trusted") + ")");
            return 0;
        }

        private static String describe(IOException e) {
            return e instanceof NoSuchFileException ? "no such file" : e.getMessage();
        }
    }
}
