package com.zeroui.kms.audit;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zeroui.kms.error.ErrorCode;
import com.zeroui.kms.error.KmsException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.NoSuchFileException;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sealed receipts, read from the archives through their index: one indexed lookup and one ranged
 * read per receipt, never a scan. Nothing read is served unchecked:
 * <ul>
 *   <li>each archive's bytes are hashed once per process (and again when its size changes) against
 *       the SHA-256 its seal recorded;</li>
 *   <li>a receipt served by id comes with an inclusion proof into the signed tree head at its
 *       archive's end, which is verified here against the root the seal recorded before answering.</li>
 * </ul>
 * An archive that fails either check is reported (logged, and answered 503 naming the archive),
 * never served. The index rows are not trusted either: the search narrows by their columns, so a
 * changed column would hide a receipt from its tenant. When an archive is first hashed in a process,
 * every one of its index rows is compared with the signed receipt it points to (and every receipt
 * must have a row); the self-check sweeps them again ({@link #sweepIndex}). A mismatch is reported
 * to {@link LogIntegrity} like a changed live-log column, and from then on every archived read and
 * search answers 503 naming it: a search that could be short is refused, never answered short.
 */
public final class ArchivedReceipts {
    private static final Logger LOG = LoggerFactory.getLogger(ArchivedReceipts.class);
    private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {
    };
    private static final int INDEX_PAGE = 1000;

    private final AuditRepository repository;
    private final ArchiveIndex index;
    private final ArchiveStore store;
    private final ObjectMapper mapper = new ObjectMapper();
    /** Archive name → size at which its whole-file SHA-256 matched its seal. */
    private final Map<String, Long> verified = new ConcurrentHashMap<>();
    /** First index of each archive whose index rows matched its signed receipts in this process. */
    private final Set<Long> indexChecked = ConcurrentHashMap.newKeySet();
    private final LogIntegrity integrity;
    /** The first index row found to differ from its signed receipt; once set, archived reads answer 503. */
    private volatile IndexBreach indexBreach;
    /** Where the next {@link #sweepIndex} starts (an archive's first index). */
    private long sweepFrom;

    public ArchivedReceipts(AuditRepository repository, ArchiveIndex index, ArchiveStore store) {
        this(repository, index, store, new LogIntegrity());
    }

    /** Reports index rows that differ from the receipts they point to, to {@code integrity}. */
    public ArchivedReceipts(AuditRepository repository, ArchiveIndex index, ArchiveStore store, LogIntegrity integrity) {
        this.repository = repository;
        this.index = index;
        this.store = store;
        this.integrity = integrity;
    }

    private record IndexBreach(AuditRepository.Seal seal, long logIndex, String problem) {
    }

    public ArchiveStore store() {
        return store;
    }

    public ArchiveIndex index() {
        return index;
    }

    /** Where a sealed receipt sits and why it belongs to the log. */
    public record Proof(AuditRepository.ReceiptRow receipt, TreeHead endHead, List<String> inclusionProof,
                        AuditRepository.Seal seal, AuditRepository.Seal previous) {
    }

    /** The entry for a receipt id, if an archive index holds it. */
    public Optional<ArchiveIndex.Entry> entry(String receiptId) {
        return index.findByReceiptId(receiptId);
    }

    /** The receipt an entry points to, read and proven; throws 503 when its archive fails a check. */
    public Proof prove(ArchiveIndex.Entry entry) {
        AuditRepository.Seal seal = seal(entry.archiveFirstIndex());
        ArchiveIndex.Archive archive = index.archive(entry.archiveFirstIndex()).orElseThrow(() ->
                integrity(seal, "its index row is missing"));
        AuditRepository.ReceiptRow row = read(entry, seal);
        ArchiveNodes layout = new ArchiveNodes(archive.firstIndex(), archive.endIndex());
        Map<String, byte[]> frontier = new LinkedHashMap<>();
        archive.startFrontier().forEach(n -> frontier.put(ArchiveNodes.key(n.level(), n.index()), n.hash()));
        MerkleTree tree = new MerkleTree((level, i) -> {
            if (layout.holds(level, i)) {
                return readNode(archive.nodesFile(), layout.offset(level, i), seal);
            }
            byte[] hash = frontier.get(ArchiveNodes.key(level, i));
            if (hash == null) {
                throw integrity(seal, "subtree (" + level + ", " + i + ") is in neither its node file nor its start frontier");
            }
            return hash;
        });
        List<byte[]> path = tree.inclusionProof(entry.logIndex(), archive.endIndex());
        byte[] leaf = MerkleHash.leaf(row.json().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        byte[] root = HexFormat.of().parseHex(seal.rootHash());
        if (!MerkleTree.verifyInclusion(leaf, entry.logIndex(), archive.endIndex(), path, root)
                || !archive.endHead().rootHashHex().equals(seal.rootHash())) {
            throw integrity(seal, "receipt " + entry.logIndex() + " does not prove into the sealed root " + seal.rootHash());
        }
        AuditRepository.Seal previous = seal.firstIndex() == 0 ? null : repository.seals().stream()
                .filter(s -> s.endIndex() == seal.firstIndex()).findFirst().orElse(null);
        return new Proof(row, archive.endHead(), path.stream().map(HexFormat.of()::formatHex).toList(), seal, previous);
    }

    /** The archived receipts matching a query, read from their archives (whose files pass their SHA-256 check). */
    public List<AuditRepository.ReceiptRow> query(AuditRepository.Query query, int limit) {
        List<AuditRepository.ReceiptRow> rows = new ArrayList<>();
        Map<Long, AuditRepository.Seal> seals = new LinkedHashMap<>();
        // the query narrows by index columns: every archive it could miss a receipt in is checked first
        // (once per process; afterwards one file-size look-up each)
        for (ArchiveIndex.Archive a : index.archives()) {
            if (!a.deleted()) {
                verifyWholeFile(seals.computeIfAbsent(a.firstIndex(), this::seal));
            }
        }
        for (ArchiveIndex.Entry e : index.query(query, limit)) {
            AuditRepository.Seal seal = seals.computeIfAbsent(e.archiveFirstIndex(), this::seal);
            rows.add(read(e, seal));
        }
        return rows;
    }

    /** The end of the indexed, undeleted archives (0 when none): live receipts from there on. */
    public long indexedUpTo() {
        return index.archives().stream().mapToLong(ArchiveIndex.Archive::endIndex).max().orElse(0);
    }

    /** The receipt at an entry, as the live table would hold it (canonical JSON), from a verified archive. */
    private AuditRepository.ReceiptRow read(ArchiveIndex.Entry e, AuditRepository.Seal seal) {
        verifyWholeFile(seal);
        Map<String, Object> receipt = receiptAt(e, seal);
        if (receipt == null) {
            throw integrity(seal, "the bytes indexed for receipt " + e.logIndex() + " are not a receipt");
        }
        String json = CanonicalJson.string(receipt);
        return new AuditRepository.ReceiptRow(e.logIndex(), e.receiptId(), e.ts(), e.tenantId(), e.keyId(), e.operation(),
                e.success(), json);
    }

    /** The receipt an entry points to, parsed (null when the bytes there are not JSON); the file is not re-hashed. */
    private Map<String, Object> receiptAt(ArchiveIndex.Entry e, AuditRepository.Seal seal) {
        byte[] bytes;
        try {
            bytes = store.read(seal.archiveFile(), e.offset(), e.length());
        } catch (NoSuchFileException missing) {
            throw unavailable(seal, "it is missing from the archive store", missing);
        } catch (IOException io) {
            throw unavailable(seal, "the archive store could not be read: " + io.getMessage(), io);
        }
        try {
            return mapper.readValue(bytes, MAP);
        } catch (IOException notJson) {
            return null;
        }
    }

    /**
     * Compares the index rows of undeleted archives with the receipts they point to, whole archives at
     * a time from where the previous sweep stopped, until about {@code maxRows} rows were compared;
     * starts over after the last archive. A mismatch is reported (see the class comment) and returned.
     */
    public synchronized Optional<LogIntegrity.Breach> sweepIndex(long maxRows) {
        IndexBreach known = indexBreach;
        if (known != null) {
            return Optional.of(breachOf(known));
        }
        List<ArchiveIndex.Archive> live = index.archives().stream().filter(a -> !a.deleted()).toList();
        long rows = 0;
        for (int n = 0; n < live.size() && rows < maxRows; n++) {
            ArchiveIndex.Archive next = live.stream().filter(a -> a.firstIndex() >= sweepFrom).findFirst()
                    .orElse(live.get(0));
            AuditRepository.Seal seal = seal(next.firstIndex());
            indexChecked.remove(next.firstIndex());
            try {
                verifyWholeFile(seal); // hashes the file if it changed, then compares its index rows again
            } catch (KmsException e) {
                IndexBreach found = indexBreach;
                if (found != null) {
                    return Optional.of(breachOf(found));
                }
                throw e;
            }
            rows += next.endIndex() - next.firstIndex();
            sweepFrom = next.endIndex();
        }
        return Optional.empty();
    }

    /** Checks an archive's index rows against its receipts, once per process; throws 503 after any mismatch. */
    private void checkIndexOnce(AuditRepository.Seal seal) {
        IndexBreach known = indexBreach;
        if (known != null) {
            throw failure(known.seal(), known.problem());
        }
        if (indexChecked.contains(seal.firstIndex())) {
            return;
        }
        Optional<ArchiveIndex.Archive> archive = index.archive(seal.firstIndex());
        if (archive.isEmpty() || archive.get().deleted()) {
            return; // still being indexed (checked once recorded), or its rows are gone with it
        }
        Optional<IndexBreach> found = indexMismatch(archive.get(), seal);
        if (found.isPresent() && index.archive(seal.firstIndex()).map(ArchiveIndex.Archive::deleted).orElse(true)) {
            return; // retention deleted it meanwhile (marked first, then its rows removed): not a change
        }
        if (found.isPresent()) {
            IndexBreach b = found.get();
            synchronized (this) {
                if (indexBreach == null) {
                    indexBreach = b;
                }
            }
            integrity.report(breachOf(b));
            throw integrity(seal, b.problem());
        }
        indexChecked.add(seal.firstIndex());
    }

    private static LogIntegrity.Breach breachOf(IndexBreach b) {
        return new LogIntegrity.Breach(b.logIndex(), "archive " + b.seal().archiveFile() + ": " + b.problem(),
                Instant.now());
    }

    /** The first index row of the archive that is missing or differs from the signed receipt it points to. */
    private Optional<IndexBreach> indexMismatch(ArchiveIndex.Archive archive, AuditRepository.Seal seal) {
        long expected = archive.firstIndex();
        Long after = expected == 0 ? null : expected - 1;
        scan:
        while (expected < archive.endIndex()) {
            List<ArchiveIndex.Entry> page = index.query(new AuditRepository.Query(null, null, null, null, null, after,
                    null), INDEX_PAGE);
            for (ArchiveIndex.Entry e : page) {
                if (e.logIndex() >= archive.endIndex()) {
                    break scan;
                }
                if (e.logIndex() != expected) {
                    break scan;
                }
                Optional<String> changed = changedColumn(e, archive, receiptAt(e, seal));
                if (changed.isPresent()) {
                    return Optional.of(new IndexBreach(seal, e.logIndex(), "the index row of receipt " + e.logIndex()
                            + " " + changed.get() + " (kms_audit_archived_receipts was changed)"));
                }
                expected++;
            }
            if (page.size() < INDEX_PAGE) {
                break;
            }
            after = page.get(page.size() - 1).logIndex();
        }
        if (expected < archive.endIndex()) {
            return Optional.of(new IndexBreach(seal, expected, "receipt " + expected
                    + " has no index row (kms_audit_archived_receipts was changed)"));
        }
        return Optional.empty();
    }

    /** How an index row differs from the receipt it points to (derived as the indexer derives it), if it does. */
    private static Optional<String> changedColumn(ArchiveIndex.Entry e, ArchiveIndex.Archive archive,
                                                  Map<String, Object> receipt) {
        if (receipt == null) {
            return Optional.of("points to bytes that are not a receipt");
        }
        Object context = receipt.get("kms_context");
        Map<?, ?> ctx = context instanceof Map<?, ?> m ? m : Map.of();
        Object logIndex = receipt.get("log_index");
        Instant ts;
        try {
            ts = Instant.parse(String.valueOf(receipt.get("ts")));
        } catch (java.time.format.DateTimeParseException badTs) {
            return Optional.of("points to a receipt without a valid ts");
        }
        Map<String, Object[]> columns = new LinkedHashMap<>();
        columns.put("log_index", new Object[] {e.logIndex(), logIndex instanceof Number n ? n.longValue() : logIndex});
        columns.put("archive_first", new Object[] {e.archiveFirstIndex(), archive.firstIndex()});
        columns.put("receipt_id", new Object[] {e.receiptId(), String.valueOf(receipt.get("receipt_id"))});
        columns.put("tenant_id", new Object[] {e.tenantId(), String.valueOf(receipt.get("tenant_id"))});
        columns.put("operation", new Object[] {e.operation(), String.valueOf(receipt.get("operation"))});
        columns.put("key_id", new Object[] {e.keyId(), ctx.get("key_id") == null ? null : String.valueOf(ctx.get("key_id"))});
        columns.put("success", new Object[] {e.success(), Boolean.TRUE.equals(ctx.get("success"))});
        columns.put("ts", new Object[] {e.ts().toEpochMilli(), ts.toEpochMilli()});
        for (Map.Entry<String, Object[]> c : columns.entrySet()) {
            if (!Objects.equals(c.getValue()[0], c.getValue()[1])) {
                return Optional.of("says " + c.getKey() + " " + c.getValue()[0] + ", the signed receipt says "
                        + c.getValue()[1]);
            }
        }
        return Optional.empty();
    }

    private byte[] readNode(String nodesFile, long offset, AuditRepository.Seal seal) {
        try {
            return store.read(nodesFile, offset, MerkleHash.SIZE);
        } catch (NoSuchFileException missing) {
            throw unavailable(seal, "its node file " + nodesFile + " is missing from the archive store", missing);
        } catch (IOException io) {
            throw unavailable(seal, "its node file could not be read: " + io.getMessage(), io);
        }
    }

    /** Hashes the whole archive against its seal the first time it is read (and whenever its size changes). */
    private void verifyWholeFile(AuditRepository.Seal seal) {
        String name = seal.archiveFile();
        long size;
        try {
            size = store.size(name);
        } catch (NoSuchFileException missing) {
            throw unavailable(seal, "it is missing from the archive store", missing);
        } catch (IOException io) {
            throw unavailable(seal, "the archive store could not be read: " + io.getMessage(), io);
        }
        if (Long.valueOf(size).equals(verified.get(name))) {
            checkIndexOnce(seal);
            return;
        }
        String sha256;
        try (InputStream in = new DigestInputStream(store.open(name), sha256Digest())) {
            in.transferTo(OutputStream.nullOutputStream());
            sha256 = HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (IOException io) {
            throw unavailable(seal, "the archive store could not be read: " + io.getMessage(), io);
        }
        if (!sha256.equals(seal.archiveSha256())) {
            throw integrity(seal, "its SHA-256 is " + sha256 + ", the seal recorded " + seal.archiveSha256());
        }
        verified.put(name, size);
        checkIndexOnce(seal);
    }

    /** Forgets which archives were checked (after a deletion, or in tests that edit files in place). */
    public void forgetVerified() {
        verified.clear();
        indexChecked.clear();
    }

    private AuditRepository.Seal seal(long firstIndex) {
        return repository.seals().stream().filter(s -> s.firstIndex() == firstIndex).findFirst()
                .orElseThrow(() -> new IllegalStateException("archive index names a seal at " + firstIndex
                        + " that is not recorded"));
    }

    private KmsException integrity(AuditRepository.Seal seal, String problem) {
        LOG.error("audit archive {} failed its integrity check and is not served: {}", store.location(seal.archiveFile()),
                problem);
        return failure(seal, problem);
    }

    private static KmsException failure(AuditRepository.Seal seal, String problem) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("dependency", "audit_archive");
        details.put("archive_file", seal.archiveFile());
        details.put("integrity", "failed");
        return new KmsException(ErrorCode.DEPENDENCY_UNAVAILABLE, 503, "audit archive " + seal.archiveFile()
                + " failed its integrity check (" + problem + "); it is not served: restore it from a backup copy"
                + " (its SHA-256 is " + seal.archiveSha256() + ")", details, null);
    }

    private KmsException unavailable(AuditRepository.Seal seal, String problem, Throwable cause) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("dependency", "audit_archive");
        details.put("archive_file", seal.archiveFile());
        return new KmsException(ErrorCode.DEPENDENCY_UNAVAILABLE, 503, "audit archive " + seal.archiveFile()
                + " cannot be read: " + problem, details, cause);
    }

    private static MessageDigest sha256Digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
