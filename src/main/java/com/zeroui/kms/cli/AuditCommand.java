package com.zeroui.kms.cli;

import com.zeroui.kms.app.DataDirectory;
import com.zeroui.kms.audit.AuditRepository;
import com.zeroui.kms.audit.AuditRetention;
import com.zeroui.kms.audit.AuditSealer;
import com.zeroui.kms.audit.BundleExporter;
import com.zeroui.kms.audit.BundleVerifier;
import com.zeroui.kms.audit.ChainVerifier;
import com.zeroui.kms.audit.ReceiptKeyring;
import com.zeroui.kms.audit.TrustedHead;
import com.zeroui.kms.keys.KeyRepository;
import com.zeroui.kms.keys.ServiceKeyChain;
import com.zeroui.kms.auth.CallerIdentity;
import com.zeroui.kms.crypto.CryptoSuite;
import com.zeroui.kms.crypto.KeyType;
import com.zeroui.kms.keys.KeyRecord;
import com.zeroui.kms.ops.KmsConfig;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "audit", mixinStandardHelpOptions = true, footer = "%nExample: ./kms audit export --out audit.json",
        description = "Export, seal (archive) and verify the receipt log offline",
        subcommands = {AuditCommand.Export.class, AuditCommand.Seal.class, AuditCommand.Verify.class,
                AuditCommand.Archives.class, AuditCommand.DeleteArchive.class})
final class AuditCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /**
     * Only the service's own receipt-signing keys may vouch for receipts, not any key a receipt
     * happens to name: the key holding the receipt key alias and every key it replaced, with validity.
     */
    static ReceiptKeyring receiptKeys(KeyRepository keys, Clock clock) {
        return ReceiptKeyring.of(ServiceKeyChain.history(keys, com.zeroui.kms.keys.ServiceKeyPurpose.RECEIPT, clock.instant()).stream()
                .filter(v -> v.key().type() == KeyType.ED25519 && v.key().publicKeySpki() != null)
                .map(v -> new ReceiptKeyring.ReceiptKey(v.key().keyId(), v.key().publicKeySpki(), v.notBefore(),
                        v.notAfter(), v.status()))
                .toList());
    }

    /** Exporting or sealing must not initialise a new, empty KMS where the operator mistyped a path. */
    static boolean hasDatabase(StoreOptions store, KmsConfig config) {
        if ((store.databaseUrl == null || store.databaseUrl.isBlank()) && !Files.exists(config.dataDir().resolve("kms.db"))) {
            System.err.println("kms: no KMS database in " + config.dataDir() + " (use --data-dir)");
            return false;
        }
        return true;
    }

    @Command(name = "export", mixinStandardHelpOptions = true, footer = "%nExample: ./kms audit export --out audit.json --data-dir kms-data",
            description = "Write the receipts, signed tree heads and receipt public keys to a bundle (works while a server runs)")
    static final class Export implements Callable<Integer> {
        @Mixin
        StoreOptions store;

        @Option(names = "--out", required = true, description = "Bundle file to write")
        Path out;

        @Override
        public Integer call() {
            var config = store.toConfig();
            if (!hasDatabase(store, config)) {
                return 2;
            }
            Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
            try (DataDirectory dir = DataDirectory.open(config, Clock.systemUTC())) {
                JdbcKeyRepository keys = new JdbcKeyRepository(dir.database());
                BundleExporter exporter = new BundleExporter(new JdbcAuditRepository(dir.database()),
                        receiptKeys(keys, Clock.systemUTC()).publicKeys(), Clock.systemUTC());
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

    @Command(name = "seal", mixinStandardHelpOptions = true, footer = "%nExample: ./kms audit seal --before 2025-01-01 --dry-run",
            description = "Move the oldest receipts into a verified archive file and remove them from the live store"
                    + " (works while a server runs; run one seal at a time)")
    static final class Seal implements Callable<Integer> {
        @Mixin
        StoreOptions store;

        @Option(names = "--before", required = true, paramLabel = "INDEX|INSTANT|DATE",
                description = "Seal the receipts below this log index, or those before the first one stamped at or after"
                        + " this ISO-8601 instant or UTC date (e.g. 2019-01-01)")
        String before;

        @Option(names = "--out-dir", paramLabel = "DIR", description = "Directory for the archive file. Default: the"
                + " archive store (--audit-archive-dir), where the server answers sealed receipts from")
        Path outDir;

        @Option(names = "--dry-run", description = "Only print the range that would be sealed")
        boolean dryRun;

        @Override
        public Integer call() {
            AuditSealer.Bound bound;
            try {
                bound = AuditSealer.Bound.parse(before);
            } catch (IllegalArgumentException e) {
                System.err.println("kms: --before: " + e.getMessage());
                return 2;
            }
            KmsConfig config = store.toConfig();
            if (!hasDatabase(store, config)) {
                return 2;
            }
            Clock clock = Clock.systemUTC();
            Path archiveDir = config.lifecycle().archiveDir(config.dataDir());
            if (outDir == null) {
                outDir = archiveDir;
            } else if (!outDir.toAbsolutePath().normalize().equals(archiveDir)) {
                System.out.println("kms: note: the server reads archives from " + archiveDir + " (--audit-archive-dir);"
                        + " receipts sealed into " + outDir + " are answered there only once the files are moved");
            }
            try (DataDirectory dir = DataDirectory.open(config, clock);
                 OperatorAudit audit = OperatorAudit.open(dir, config, clock)) {
                AuditSealer sealer = audit.sealer();
                if (dryRun) {
                    AuditSealer.Plan plan = sealer.plan(bound);
                    System.out.println(plan.isEmpty() ? "kms: nothing to seal before " + bound
                            : "kms: would seal log indices " + plan.firstIndex() + " to " + (plan.endIndex() - 1) + " into "
                                    + outDir.resolve(AuditSealer.archiveName(plan.firstIndex(), plan.endIndex())));
                    note(plan);
                    return 0;
                }
                AuditSealer.Outcome outcome = sealer.seal(bound, outDir, audit.operator());
                AuditSealer.Removed removed = outcome.removed();
                if (outcome.seal() == null) {
                    System.out.println("kms: nothing to seal before " + bound + " (the live log starts at index "
                            + outcome.plan().firstIndex() + ")");
                } else {
                    AuditRepository.Seal seal = outcome.seal();
                    System.out.println("kms: sealed log indices " + seal.firstIndex() + " to " + (seal.endIndex() - 1) + " ("
                            + (seal.endIndex() - seal.firstIndex()) + " receipts) into " + outcome.archive().toAbsolutePath()
                            + "\nkms: archive sha256 " + seal.archiveSha256() + ", signed tree head " + seal.endIndex()
                            + " root " + seal.rootHash() + ", recorded by receipt " + outcome.receiptId());
                }
                note(outcome.plan());
                System.out.println("kms: removed from the live store: " + removed.receipts() + " receipts, " + removed.nodes()
                        + " subtree hashes, " + removed.treeHeads() + " tree heads");
                return 0;
            } catch (IOException | RuntimeException e) {
                // start-up (StartupException), storage (KmsException), file and verification failures alike
                System.err.println("kms: audit seal failed: " + e.getMessage());
                return 2;
            }
        }

        private static void note(AuditSealer.Plan plan) {
            if (plan.limitedBy() != null) {
                System.out.println("kms: note: stopped at index " + plan.endIndex() + ": " + plan.limitedBy());
            }
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true, footer = "%nExample: ./kms audit verify audit.json --trusted-keys receipt-keys.json",
            description = "Check an export bundle, an archive, or archives in log order followed by a live export, offline:"
                    + " receipt signatures, log order, recomputed Merkle tree, signed tree heads, and that each file continues"
                    + " the one before it. Exit 0 when it verifies, 1 naming the first bad receipt index, tree head or file,"
                    + " 2 when a file cannot be read")
    static final class Verify implements Callable<Integer> {
        @Parameters(paramLabel = "FILE", arity = "1..*",
                description = "Files written by 'kms audit seal' and 'kms audit export', in log order")
        List<Path> files;

        @Option(names = "--trusted-keys", paramLabel = "FILE",
                description = "Receipt keys to trust instead of the files' own: the JSON of GET /kms/v1/audit/receipt-keys")
        Path trustedKeys;

        @Option(names = "--trusted-head", paramLabel = "HEAD.json",
                description = "A signed tree head saved earlier (the body of GET /kms/v1/audit/tree-head, or the payload of"
                        + " a tree_head_signed event): fail unless the files extend it (as many receipts or more, the same"
                        + " root at its size)")
        Path trustedHead;

        @Override
        public Integer call() {
            CryptoSuite crypto = CryptoSuite.select(CryptoSuite.Preference.AUTO);
            BundleVerifier verifier = new BundleVerifier(crypto);
            TrustedHead head = null;
            if (trustedHead != null) {
                try (InputStream in = Files.newInputStream(trustedHead)) {
                    head = TrustedHead.read(in);
                } catch (IOException e) {
                    System.err.println("kms: cannot read the trusted head " + trustedHead + ": " + describe(e));
                    return 2;
                }
            }
            Map<String, PublicKey> trusted = null;
            if (trustedKeys != null) {
                try (InputStream in = Files.newInputStream(trustedKeys);
                     InputStream again = Files.newInputStream(trustedKeys)) {
                    trusted = verifier.readKeyList(in);
                    // each key only for what it signed while valid (not_before / not_after as published)
                    verifier = verifier.withTrustedWindows(verifier.readKeyWindows(again));
                } catch (IOException e) {
                    System.err.println("kms: cannot read the trusted keys " + trustedKeys + ": " + describe(e));
                    return 2;
                }
            }
            ChainVerifier.Result result;
            try {
                result = new ChainVerifier(verifier).verify(files, trusted, head == null ? -1 : head.head().treeSize());
            } catch (IOException e) {
                System.err.println("kms: cannot read " + e.getMessage());
                return 2;
            }
            if (!result.ok()) {
                System.err.println("kms: " + describeFailed(result) + " does not verify: " + result.problem());
                return 1;
            }
            java.util.Optional<String> forked = head == null ? java.util.Optional.empty() : head.problem(result, crypto);
            if (forked.isPresent()) {
                System.err.println("kms: the log does not extend the trusted head " + trustedHead + ": " + forked.get());
                return 1;
            }
            String keys = " (receipt keys " + String.join(", ", result.keyIds())
                    + (trusted == null ? ", taken from the " + (files.size() == 1 ? kind(result.links().get(0)) : "files") : ", trusted") + ")";
            StringBuilder out = new StringBuilder("kms: verified " + result.receipts() + " receipts, " + result.treeHeads()
                    + " tree heads");
            if (files.size() > 1 || result.firstIndex() > 0) {
                out.append(" in ").append(files.size()).append(files.size() == 1 ? " file" : " files").append(", log indices ")
                        .append(result.firstIndex()).append(" to ").append(result.endIndex() - 1);
            }
            out.append(keys);
            System.out.println(out);
            if (head != null) {
                System.out.println("kms: extends the trusted head of tree size " + head.head().treeSize() + " (signed "
                        + head.head().timestamp() + ", root " + head.head().rootHashHex() + ")");
            }
            if (result.sealReceiptsConfirmed() > 0) {
                System.out.println("kms: " + result.sealReceiptsConfirmed() + " archive(s) confirmed by their "
                        + AuditSealer.OPERATION + " receipts in the chain");
            }
            if (result.sealReceiptsPending() > 0) {
                System.out.println("kms: note: " + result.sealReceiptsPending() + " " + AuditSealer.OPERATION
                        + " receipt(s) named by the files lie beyond the last one; export the live log to check them");
            }
            if (result.firstIndex() > 0) {
                System.out.println("kms: note: the log before index " + result.firstIndex()
                        + " was not given; pass the earlier archives first to check it too");
            }
            return 0;
        }

        private static String kind(ChainVerifier.Link link) {
            return link.result().segment().isArchive() ? "archive" : "bundle";
        }

        /** "audit bundle FILE" or "audit archive FILE". */
        private static String describeFailed(ChainVerifier.Result result) {
            return "audit " + result.failedKind() + " " + result.failedFile();
        }

        private static String describe(IOException e) {
            return e instanceof NoSuchFileException ? "no such file" : e.getMessage();
        }
    }

    @Command(name = "archives", mixinStandardHelpOptions = true, footer = "%nExample: ./kms audit archives --data-dir kms-data",
            description = "List the sealed archives with the retention policy's verdict on each (--audit-retention)")
    static final class Archives implements Callable<Integer> {
        @Mixin
        StoreOptions store;

        @Override
        public Integer call() {
            KmsConfig config = store.toConfig();
            if (!hasDatabase(store, config)) {
                return 2;
            }
            Clock clock = Clock.systemUTC();
            try (DataDirectory dir = DataDirectory.open(config, clock);
                 OperatorAudit audit = OperatorAudit.open(dir, config, clock)) {
                AuditRetention retention = retention(dir, config, audit, clock);
                System.out.println("kms: audit retention " + retention.retention() + "; archive store "
                        + config.lifecycle().archiveDir(config.dataDir()));
                for (AuditRetention.Status s : retention.archives()) {
                    System.out.println(s.seal().archiveFile() + "  indices " + s.seal().firstIndex() + ".."
                            + (s.seal().endIndex() - 1) + "  last receipt " + s.seal().lastTs() + "  "
                            + (s.deleted() ? "deleted " + s.archive().deletedAt() + " (receipt "
                            + s.archive().deletionReceiptId() + ")"
                            : (s.archive() == null ? "not indexed, " : "") + "kept until " + s.retainedUntil()
                            + (s.deletable() ? " (may be deleted now)" : "")));
                }
                return 0;
            } catch (RuntimeException e) {
                System.err.println("kms: audit archives failed: " + e.getMessage());
                return 2;
            }
        }
    }

    @Command(name = "delete-archive", mixinStandardHelpOptions = true, footer = "%nExample: ./kms audit delete-archive OLDEST_ARCHIVE.json",
            description = "Delete the oldest sealed archive once the audit retention (--audit-retention) has passed for"
                    + " all its receipts; refused before. Either way the log records it (audit_archive_deleted receipt)")
    static final class DeleteArchive implements Callable<Integer> {
        @Mixin
        StoreOptions store;

        @Parameters(index = "0", paramLabel = "ARCHIVE", description = "The archive's file name, as 'kms audit archives' lists it")
        String archive;

        @Override
        public Integer call() {
            KmsConfig config = store.toConfig();
            if (!hasDatabase(store, config)) {
                return 2;
            }
            Clock clock = Clock.systemUTC();
            try (DataDirectory dir = DataDirectory.open(config, clock);
                 OperatorAudit audit = OperatorAudit.open(dir, config, clock)) {
                AuditRetention.Deletion d = retention(dir, config, audit, clock).delete(archive, audit.operator());
                System.out.println("kms: deleted archive " + d.seal().archiveFile() + " (log indices " + d.seal().firstIndex()
                        + ".." + (d.seal().endIndex() - 1) + "), recorded by receipt " + d.receiptId());
                return 0;
            } catch (com.zeroui.kms.error.KmsException e) {
                System.err.println("kms: delete-archive refused: " + e.getMessage()
                        + (e.receiptId() == null ? "" : " (recorded by receipt " + e.receiptId() + ")"));
                return 1;
            } catch (RuntimeException e) {
                System.err.println("kms: delete-archive failed: " + e.getMessage());
                return 2;
            }
        }
    }

    private static AuditRetention retention(DataDirectory dir, KmsConfig config, OperatorAudit audit, Clock clock) {
        return new AuditRetention(new JdbcAuditRepository(dir.database()),
                new com.zeroui.kms.store.JdbcArchiveIndex(dir.database()),
                new com.zeroui.kms.audit.LocalArchiveStore(config.lifecycle().archiveDir(config.dataDir())),
                audit.trail(clock), config.lifecycle().auditRetention(), clock);
    }
}
