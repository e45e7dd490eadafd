package com.zeroui.kms.audit;

import com.zeroui.kms.auth.CallerIdentity;
import com.zeroui.kms.crypto.CryptoSuite;
import com.zeroui.kms.error.ErrorCode;
import com.zeroui.kms.error.KmsException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Retention: moves the oldest receipts of the log into an archive file and removes them from the
 * live tables, without editing anything. One seal covers the range [F, T) that starts where the
 * previous seal ended (F = 0 for the first), and runs in this order:
 * <ol>
 *   <li>sign a tree head at exactly T (or take the stored one);</li>
 *   <li>write the archive (receipts F..T-1, the heads from F to T, the Merkle frontier at F, the
 *       receipt keys, the previous archive's digest) to a temporary name, fsync, rename, fsync the
 *       directory;</li>
 *   <li>read the file back and verify it completely against the receipt keys of the store,
 *       hashing it on the way;</li>
 *   <li>record the seal (range, file, SHA-256, root at T) and, as the same audited operation, an
 *       {@value #OPERATION} receipt whose request digest commits to all of that;</li>
 *   <li>only then remove the range's receipt rows, the tree heads below T and the subtree hashes
 *       before T that no root or proof from T on needs, in short transactions.</li>
 * </ol>
 * A run interrupted after step 4 is finished by the next one. The range never goes past what every
 * receipt sink has acknowledged, so forwarding to the evidence ledger never loses a receipt.
 */
public final class AuditSealer {
    public static final String OPERATION = "audit_sealed";
    static final String OPERATION_TYPE = "seal";
    /** Rows removed per transaction: short enough that request threads' receipts never wait long. */
    static final int REMOVE_CHUNK = 5_000;

    private final AuditRepository repository;
    private final TreeHeads heads;
    private final AuditTrail trail;
    private final BundleExporter exporter;
    private final BundleExporter.ReceiptKeys receiptKeys;
    private final BundleVerifier verifier;
    private final Clock clock;
    /** Null: archives are not indexed for retrieval (they still verify offline). */
    private final ArchiveIndex index;

    public AuditSealer(AuditRepository repository, TreeHeads heads, AuditTrail trail, BundleExporter.ReceiptKeys receiptKeys,
                       CryptoSuite crypto, Clock clock) {
        this(repository, heads, trail, receiptKeys, crypto, clock, null);
    }

    public AuditSealer(AuditRepository repository, TreeHeads heads, AuditTrail trail, BundleExporter.ReceiptKeys receiptKeys,
                       CryptoSuite crypto, Clock clock, ArchiveIndex index) {
        this.index = index;
        this.repository = repository;
        this.heads = heads;
        this.trail = trail;
        this.receiptKeys = receiptKeys;
        this.exporter = new BundleExporter(repository, receiptKeys, clock);
        this.verifier = new BundleVerifier(crypto);
        this.clock = clock;
    }

    /** Where a seal ends: before a log index, or before the first receipt stamped at or after an instant. */
    public record Bound(Long index, Instant time) {
        /** A log index ("1200"), an instant ("2026-01-31T00:00:00Z") or a UTC date ("2026-01-31"). */
        public static Bound parse(String text) {
            if (text.matches("[0-9]{1,18}")) {
                return new Bound(Long.parseLong(text), null);
            }
            try {
                return new Bound(null, Instant.parse(text));
            } catch (DateTimeParseException notAnInstant) {
                try {
                    return new Bound(null, LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant());
                } catch (DateTimeParseException notADate) {
                    throw new IllegalArgumentException("expected a log index, an ISO-8601 instant such as"
                            + " 2026-01-31T00:00:00Z or a date such as 2026-01-31, got '" + text + "'");
                }
            }
        }

        @Override
        public String toString() {
            return index != null ? "index " + index : time.toString();
        }
    }

    /** The range a seal would cover now; {@code limitedBy} says why it ends short of the bound, if it does. */
    public record Plan(long firstIndex, long endIndex, String limitedBy) {
        public boolean isEmpty() {
            return endIndex <= firstIndex;
        }
    }

    /** What the live tables gave up. */
    public record Removed(long receipts, long nodes, long treeHeads) {
        Removed plus(Removed other) {
            return new Removed(receipts + other.receipts, nodes + other.nodes, treeHeads + other.treeHeads);
        }
    }

    /**
     * A seal that was made (null when the plan was empty), where its archive is (its local path, or
     * null in a remote store), and what left the live tables.
     */
    public record Outcome(Plan plan, AuditRepository.Seal seal, Path archive, String receiptId, Removed removed) {
    }

    public Plan plan(Bound bound) {
        long first = repository.latestSeal().map(AuditRepository.Seal::endIndex).orElse(0L);
        long size = repository.size();
        long end;
        String limitedBy = null;
        if (bound.index() != null) {
            end = Math.min(bound.index(), size);
            if (bound.index() > size) {
                limitedBy = "the log holds " + size + " receipts";
            }
        } else {
            end = repository.firstIndexStampedFrom(bound.time(), first).orElse(size);
        }
        for (Map.Entry<String, Long> sink : repository.sinkCursors().entrySet()) {
            if (ReceiptForwarder.isTreeHeadCursor(sink.getKey())) {
                continue; // counts tree sizes of heads, not receipts
            }
            if (sink.getValue() < end) {
                end = sink.getValue();
                limitedBy = "receipt sink " + sink.getKey() + " has acknowledged only the receipts below index "
                        + sink.getValue();
            }
        }
        return new Plan(first, Math.max(first, end), limitedBy);
    }

    /** As {@link #seal(Bound, ArchiveStore, CallerIdentity)}, into a local directory. */
    public Outcome seal(Bound bound, Path outDir, CallerIdentity operator) throws IOException {
        return seal(bound, new LocalArchiveStore(outDir), operator);
    }

    /**
     * Finishes a seal an earlier run left half done, then seals up to {@code bound} into a new
     * archive in {@code store}. {@code operator} is who the {@value #OPERATION} receipt names. With
     * an index, each archive is indexed for retrieval before its receipts leave the live table (and
     * archives sealed before indexing existed are indexed first).
     */
    public Outcome seal(Bound bound, ArchiveStore store, CallerIdentity operator) throws IOException {
        Removed removed = finishLatest(operator, store);
        Plan plan = plan(bound);
        if (plan.isEmpty()) {
            return new Outcome(plan, null, null, null, removed);
        }
        String name = archiveName(plan.firstIndex(), plan.endIndex());
        AuditRecord record = trail.begin(OPERATION, OPERATION_TYPE, operator)
                .subject(CallerIdentity.GLOBAL_TENANT, "prod", "shared");
        Audited<AuditRepository.Seal> recorded;
        try {
            // one audited operation from writing the archive to recording it: success or failure, one receipt
            recorded = trail.run(record, () -> {
                AuditRepository.Seal seal;
                try {
                    seal = archive(plan, store, name);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                sealParams(seal).forEach(record::param);
                if (!repository.insertSeal(seal)) {
                    throw new KmsException(ErrorCode.INVALID_REQUEST, "the log from index " + plan.firstIndex()
                            + " was sealed by another run meanwhile; " + store.location(name)
                            + " is not recorded and may be removed", Map.of("first_index", plan.firstIndex()));
                }
                return seal;
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        repository.findByReceiptId(recorded.receiptId())
                .ifPresent(r -> repository.setSealReceiptIndex(plan.firstIndex(), r.logIndex()));
        indexIfMissing(recorded.value(), store);
        removed = removed.plus(removeBelow(plan.endIndex()));
        return new Outcome(plan, recorded.value(), store.localPath(name).orElse(null), recorded.receiptId(), removed);
    }

    /** Indexes every recorded archive the store holds that has no index yet (a no-op without an index). */
    private void indexIfMissing(AuditRepository.Seal latest, ArchiveStore store) throws IOException {
        if (index == null) {
            return;
        }
        new ArchiveIndexer(index, store, clock).indexMissing(repository.seals());
        if (index.archive(latest.firstIndex()).isEmpty()) {
            throw new IOException("the archive of the latest seal, " + store.location(latest.archiveFile())
                    + ", is not in the archive store, so it cannot be indexed; its receipts stay in the live store");
        }
    }

    /** Steps 1–3: the head at the end, the archive in the store, read back and verified. */
    private AuditRepository.Seal archive(Plan plan, ArchiveStore store, String name) throws IOException {
        if (store.exists(name)) {
            throw new IOException(store.location(name) + " exists but no seal records it (left by an interrupted seal, or one running"
                    + " now); if no seal is running, move it away and seal again");
        }
        AuditRepository.Seal previous = repository.latestSeal().orElse(null);
        long previousEnd = previous == null ? 0 : previous.endIndex();
        if (previousEnd != plan.firstIndex()) {
            throw new IOException("the log was sealed up to index " + previousEnd + " meanwhile; seal again");
        }
        TreeHead head = heads.at(plan.endIndex());
        BundleExporter.Written[] written = new BundleExporter.Written[1];
        store.write(name, out -> written[0] = exporter.writeArchive(out, plan.firstIndex(), plan.endIndex(), previous));

        String sha256;
        try {
            sha256 = verifyWritten(store, name, written[0], plan);
        } catch (IOException e) {
            // kept for inspection, out of the way of the next run; nothing was recorded or removed
            store.setAside(name, ".rejected");
            throw new IOException(e.getMessage() + "; kept as " + store.location(name + ".rejected"), e);
        }
        return new AuditRepository.Seal(plan.firstIndex(), plan.endIndex(), name, sha256,
                head.rootHashHex(), written[0].firstTs(), written[0].lastTs(), clock.instant().truncatedTo(ChronoUnit.MILLIS), null);
    }

    /** Step 3: the archive as read back from disk verifies against this store's receipt keys; returns its SHA-256. */
    private String verifyWritten(ArchiveStore store, String name, BundleExporter.Written written, Plan plan)
            throws IOException {
        String target = store.location(name);
        if (!written.summary().missingKeyIds().isEmpty()) {
            throw new IOException("the range names keys that are not receipt keys of this store: "
                    + written.summary().missingKeyIds());
        }
        Map<String, PublicKey> trusted = new LinkedHashMap<>();
        for (String keyId : written.summary().keyIds()) {
            receiptKeys.publicKey(keyId).ifPresent(spki -> trusted.put(keyId, verifier.receiptKey(spki)));
        }
        BundleVerifier.FileResult check;
        try (java.io.InputStream in = store.open(name)) {
            check = verifier.verifyStream(in, trusted, Map.of(), -1);
        }
        BundleVerifier.Result result = check.result();
        if (!result.ok()) {
            throw new IOException(target + " does not verify, nothing was recorded or removed: " + result.problem().message());
        }
        BundleVerifier.Segment segment = result.segment();
        if (!segment.isArchive() || segment.firstIndex() != plan.firstIndex() || segment.endIndex() != plan.endIndex()) {
            throw new IOException(target + " holds indices " + segment.firstIndex() + ".." + segment.endIndex()
                    + ", not the planned " + plan.firstIndex() + ".." + plan.endIndex());
        }
        return check.sha256();
    }

    /**
     * The latest seal, if a run stopped after recording it: leaves its receipt if none is known yet
     * (the same request digest, so the log commits to the same archive) and removes what it covers.
     */
    public Removed finishLatest(CallerIdentity operator) {
        try {
            return finishLatest(operator, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** As above; with a store (and an index), also indexes the latest archive before its receipts are removed. */
    public Removed finishLatest(CallerIdentity operator, ArchiveStore store) throws IOException {
        Optional<AuditRepository.Seal> latest = repository.latestSeal();
        if (latest.isEmpty()) {
            return new Removed(0, 0, 0);
        }
        AuditRepository.Seal seal = latest.get();
        if (seal.receiptIndex() == null) {
            AuditRecord record = trail.begin(OPERATION, OPERATION_TYPE, operator)
                    .subject(CallerIdentity.GLOBAL_TENANT, "prod", "shared");
            sealParams(seal).forEach(record::param);
            String receiptId = trail.run(record, () -> seal).receiptId();
            repository.findByReceiptId(receiptId)
                    .ifPresent(r -> repository.setSealReceiptIndex(seal.firstIndex(), r.logIndex()));
        }
        if (store != null) {
            indexIfMissing(seal, store);
        }
        return removeBelow(seal.endIndex());
    }

    /** Step 5, resumable: each chunk is its own short transaction. */
    private Removed removeBelow(long end) {
        long receipts = 0;
        for (int n; (n = repository.removeReceiptsBelow(end, REMOVE_CHUNK)) > 0; ) {
            receipts += n;
        }
        long nodes = 0;
        for (int n; (n = repository.removeNodesBelow(end, REMOVE_CHUNK)) > 0; ) {
            nodes += n;
        }
        return new Removed(receipts, nodes, repository.removeTreeHeadsBelow(end));
    }

    /** Zero-padded so that sorting the names sorts the archives in log order. */
    public static String archiveName(long first, long end) {
        return String.format("kms-audit-%016d-%016d.json", first, end);
    }

    /** What the {@value #OPERATION} receipt's request digest covers, besides {@code operation: "seal"}. */
    static Map<String, Object> sealParams(String file, String sha256, long first, long end, String rootHash) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("archive_file", file);
        m.put("archive_sha256", sha256);
        m.put("first_index", first);
        m.put("end_index", end);
        m.put("root_hash", rootHash);
        return m;
    }

    private static Map<String, Object> sealParams(AuditRepository.Seal seal) {
        return sealParams(seal.archiveFile(), seal.archiveSha256(), seal.firstIndex(), seal.endIndex(), seal.rootHash());
    }

    /** The request digest an {@value #OPERATION} receipt carries for the archive so described. */
    public static String sealRequestDigest(String file, String sha256, long first, long end, String rootHash) {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("operation", OPERATION_TYPE);
        request.putAll(sealParams(file, sha256, first, end, rootHash));
        return AuditRecord.requestDigest(request);
    }
}
