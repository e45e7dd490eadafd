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
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * never served.
 */
public final class ArchivedReceipts {
    private static final Logger LOG = LoggerFactory.getLogger(ArchivedReceipts.class);
    private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {
    };

    private final AuditRepository repository;
    private final ArchiveIndex index;
    private final ArchiveStore store;
    private final ObjectMapper mapper = new ObjectMapper();
    /** Archive name → size at which its whole-file SHA-256 matched its seal. */
    private final Map<String, Long> verified = new ConcurrentHashMap<>();

    public ArchivedReceipts(AuditRepository repository, ArchiveIndex index, ArchiveStore store) {
        this.repository = repository;
        this.index = index;
        this.store = store;
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
        byte[] bytes;
        try {
            bytes = store.read(seal.archiveFile(), e.offset(), e.length());
        } catch (NoSuchFileException missing) {
            throw unavailable(seal, "it is missing from the archive store", missing);
        } catch (IOException io) {
            throw unavailable(seal, "the archive store could not be read: " + io.getMessage(), io);
        }
        Map<String, Object> receipt;
        try {
            receipt = mapper.readValue(bytes, MAP);
        } catch (IOException notJson) {
            throw integrity(seal, "the bytes indexed for receipt " + e.logIndex() + " are not a receipt");
        }
        String json = CanonicalJson.string(receipt);
        return new AuditRepository.ReceiptRow(e.logIndex(), e.receiptId(), e.ts(), e.tenantId(), e.keyId(), e.operation(),
                e.success(), json);
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
    }

    /** Forgets which archives were checked (after a deletion, or in tests that edit files in place). */
    public void forgetVerified() {
        verified.clear();
    }

    private AuditRepository.Seal seal(long firstIndex) {
        return repository.seals().stream().filter(s -> s.firstIndex() == firstIndex).findFirst()
                .orElseThrow(() -> new IllegalStateException("archive index names a seal at " + firstIndex
                        + " that is not recorded"));
    }

    private KmsException integrity(AuditRepository.Seal seal, String problem) {
        LOG.error("audit archive {} failed its integrity check and is not served: {}", store.location(seal.archiveFile()),
                problem);
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
