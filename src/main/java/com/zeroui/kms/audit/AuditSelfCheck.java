package com.zeroui.kms.audit;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zeroui.kms.crypto.CryptoSuite;
import com.zeroui.kms.crypto.KeyType;
import com.zeroui.kms.crypto.SignatureAlgorithm;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's own check of its stored log, incremental: it remembers the Merkle frontier of what it
 * has verified (in memory, and in a {@link Checkpoint} outside the database across restarts) and on
 * each run first confirms that the stored subtree hashes still produce that root — a log cut back
 * below it, or rewritten under it, does not — and then verifies only the receipts appended since:
 * each in its place, signed by a receipt key valid when it was stamped, its indexed columns equal to
 * what it signs, its leaf and every subtree it completes equal to the stored hashes, and every
 * signed tree head over them signed and matching the recomputed root. A stored head beyond the
 * log's size means the log lost its tail. The first mismatch is reported to {@link LogIntegrity},
 * naming the first bad log index; from then on no receipt is appended and no head is signed.
 */
public final class AuditSelfCheck {
    private static final Logger LOG = LoggerFactory.getLogger(AuditSelfCheck.class);
    private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {
    };
    static final int PAGE = 1000;
    /**
     * How many receipts verified earlier each run compares again, column by column against what they
     * sign (in the database), cycling through the live log: a column changed after a receipt was
     * verified — which would make searches miss the receipt — is found within size / SWEEP runs.
     */
    static final long SWEEP = 50_000;

    private final AuditRepository repository;
    private final ReceiptKeyring keyring;
    private final CryptoSuite crypto;
    private final Checkpoint.Store checkpoints;
    private final LogIntegrity integrity;
    private final Clock clock;
    private final ObjectMapper mapper = new ObjectMapper();
    private final Map<String, PublicKey> publicKeys = new HashMap<>();
    /** What has been verified; null until the first run. */
    private MerkleFrontier verified;
    private long saved = -1;
    /** Where the next column sweep starts. */
    private long sweepFrom;
    private volatile WrittenReceipts written;
    private volatile ArchivedReceipts archived;
    private long confirmedByDigest;

    /** What one run found: the size verified up to, and what it checked on the way. */
    public record Outcome(long verifiedSize, long receiptsChecked, int treeHeadsChecked, LogIntegrity.Breach breach) {
        public boolean ok() {
            return breach == null;
        }
    }

    public AuditSelfCheck(AuditRepository repository, ReceiptKeyring keyring, CryptoSuite crypto,
                          Checkpoint.Store checkpoints, LogIntegrity integrity, Clock clock) {
        this.repository = repository;
        this.keyring = keyring;
        this.crypto = crypto;
        this.checkpoints = checkpoints;
        this.integrity = integrity;
        this.clock = clock;
    }

    /**
     * Rows this process signed (and still remembers) are confirmed by their digest instead of a
     * signature verification and a re-parse: the same conclusion for a few µs (ADR 0028).
     */
    public void trust(WrittenReceipts receipts) {
        this.written = receipts;
    }

    /**
     * Each run also compares up to {@link #SWEEP} rows of the archive index with the sealed receipts
     * they point to (a changed row would hide a sealed receipt from its tenant's search).
     */
    public void checkArchiveIndex(ArchivedReceipts receipts) {
        this.archived = receipts;
    }

    /** Receipts confirmed by digest so far (the rest were verified in full). */
    public synchronized long confirmedByDigest() {
        return confirmedByDigest;
    }

    /** Verifies what is new since the last run; reports a mismatch to {@link LogIntegrity} and returns it. */
    public synchronized Outcome run() {
        Optional<LogIntegrity.Breach> known = integrity.breach();
        if (known.isPresent()) {
            return new Outcome(verified == null ? 0 : verified.size(), 0, 0, known.get());
        }
        Counts counts = new Counts();
        try {
            long size = repository.size();
            Optional<TreeHead> newest = repository.latestTreeHead();
            if (newest.isPresent() && newest.get().treeSize() > size) {
                throw new Mismatch(size, "a tree head signed over " + newest.get().treeSize()
                        + " receipts is stored, but the log holds only " + size + " (its tail was removed)");
            }
            if (verified == null) {
                verified = start(size);
            } else {
                confirmStored(verified, size, "verified by this node");
            }
            scan(size, counts);
            sweepColumns();
            if (verified.size() != saved) {
                save();
            }
            Optional<LogIntegrity.Breach> index = sweepArchiveIndex();
            if (index.isPresent()) {
                LOG.error("audit log self-check failed: {}", index.get().message());
                return new Outcome(verified.size(), counts.receipts, counts.heads, index.get());
            }
            return new Outcome(verified.size(), counts.receipts, counts.heads, null);
        } catch (Mismatch m) {
            LogIntegrity.Breach breach = new LogIntegrity.Breach(m.index, m.getMessage(), clock.instant());
            integrity.report(breach);
            LOG.error("audit log self-check failed: {}", breach.message());
            return new Outcome(verified == null ? 0 : verified.size(), counts.receipts, counts.heads, breach);
        }
    }

    /**
     * Runs {@link #run} every {@code every} on a thread of its own (a long catch-up must not hold up
     * tree heads or the lifecycle scheduler); closing it stops the runs.
     */
    public AutoCloseable schedule(Duration every) {
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "kms-audit-self-check");
            t.setDaemon(true);
            return t;
        });
        executor.scheduleWithFixedDelay(() -> {
            try {
                run();
            } catch (RuntimeException e) {
                // the store could not be read: that is the storage check's business, not a breach
                LOG.warn("audit self-check could not run: {}", e.getMessage());
            }
        }, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
        return executor::shutdownNow;
    }

    private void save() {
        try {
            checkpoints.save(new Checkpoint(verified.size(), verified.edge(), clock.instant()));
            saved = verified.size();
        } catch (RuntimeException e) {
            LOG.warn("audit self-check: {}", e.getMessage()); // the check itself passed; the next run tries again
        }
    }

    /** The frontier to continue from: the checkpoint, confirmed against the store, or the start of the live log. */
    private MerkleFrontier start(long size) throws Mismatch {
        long liveStart = liveStart();
        Optional<Checkpoint> checkpoint = checkpoints.load();
        if (checkpoint.isEmpty()) {
            return liveStart == 0 ? new MerkleFrontier() : sealedStart(liveStart);
        }
        Checkpoint cp = checkpoint.get();
        saved = cp.treeSize();
        MerkleFrontier remembered = MerkleFrontier.fromEdge(cp.treeSize(), cp.edge());
        if (cp.treeSize() < liveStart) {
            // sealed past it: the archives' own verification covers that range
            LOG.info("audit self-check: the log was sealed up to index {} past the checkpoint at {}", liveStart,
                    cp.treeSize());
            return sealedStart(liveStart);
        }
        confirmStored(remembered, size, "verified by this node at " + cp.checkedAt() + " (" + Checkpoint.FILE_NAME + ")");
        return remembered;
    }

    private long liveStart() {
        return repository.latestSeal().map(AuditRepository.Seal::endIndex).orElse(0L);
    }

    /**
     * The stored tree must still contain the verified one: at least as many receipts, and the same
     * subtree hashes on its frontier (so the same root). Names the first receipt that differs as
     * closely as the frontier allows: the start of the first subtree whose hash changed.
     */
    private void confirmStored(MerkleFrontier remembered, long size, String what) throws Mismatch {
        if (size < remembered.size()) {
            throw new Mismatch(size, "the log holds " + size + " receipts, but " + remembered.size() + " were " + what
                    + " (its tail was removed)");
        }
        for (MerkleFrontier.Node node : remembered.edge()) {
            long first = node.index() << node.level();
            long end = first + (1L << node.level());
            byte[] stored = repository.perfectRange(node.level(), node.index(), node.index()).get(node.index());
            if (stored == null || !MessageDigest.isEqual(stored, node.hash())) {
                throw new Mismatch(first, "the subtree over indices " + first + " to " + (end - 1)
                        + (stored == null ? " is missing" : " differs") + " from the one " + what
                        + " (tree size " + remembered.size() + ", root " + HexFormat.of().formatHex(remembered.root()) + ")");
            }
        }
    }

    /** The frontier at the end of the sealed range, from the store, confirmed by the signed head there. */
    private MerkleFrontier sealedStart(long liveStart) throws Mismatch {
        MerkleFrontier frontier;
        try {
            frontier = MerkleFrontier.load(liveStart, repository);
        } catch (AuditRepository.MissingNodeException e) {
            throw new Mismatch(liveStart, "the log was sealed up to index " + liveStart + ", but " + e.getMessage());
        }
        TreeHead head = repository.treeHead(liveStart).orElseThrow(() -> new Mismatch(liveStart,
                "the log was sealed up to index " + liveStart + ", but no signed tree head of that size is stored"));
        checkHead(head, frontier.root());
        return frontier;
    }

    private static final class Counts {
        long receipts;
        int heads;
    }

    /** Verifies the receipts from the verified size up to {@code size}, a page at a time. */
    private void scan(long size, Counts counts) throws Mismatch {
        while (verified.size() < size) {
            long from = verified.size();
            List<AuditRepository.ReceiptRow> rows = repository.range(from, PAGE);
            if (!rows.isEmpty() && rows.get(0).logIndex() > from && liveStart() > from) {
                verified = sealedStart(liveStart()); // a seal removed receipts this node had not checked yet
                continue;
            }
            long end = Math.min(size, from + rows.size());
            Deque<TreeHead> heads = new ArrayDeque<>(repository.treeHeads(from + 1, end, Integer.MAX_VALUE));
            Map<TreeHead, byte[]> rootsAtHeads = new LinkedHashMap<>();
            List<MerkleFrontier.Node> completed = new ArrayList<>();
            for (AuditRepository.ReceiptRow row : rows) {
                long index = verified.size();
                if (index >= size) {
                    break;
                }
                if (row.logIndex() != index) {
                    throw new Mismatch(index, "receipt " + index + " is missing (the next stored one has index "
                            + row.logIndex() + ")");
                }
                checkReceipt(row);
                completed.addAll(verified.append(MerkleHash.leaf(row.json().getBytes(StandardCharsets.UTF_8))));
                counts.receipts++;
                while (!heads.isEmpty() && heads.peek().treeSize() == verified.size()) {
                    rootsAtHeads.put(heads.poll(), verified.root());
                }
            }
            if (verified.size() == from) {
                throw new Mismatch(from, "receipt " + from + " is missing, although the log's size is " + size);
            }
            compareNodes(completed);
            for (Map.Entry<TreeHead, byte[]> h : rootsAtHeads.entrySet()) {
                checkHead(h.getKey(), h.getValue());
                counts.heads++;
            }
        }
    }

    /** The archive index's sweep (reported to {@link LogIntegrity} by {@link ArchivedReceipts}); empty when none is set. */
    private Optional<LogIntegrity.Breach> sweepArchiveIndex() {
        ArchivedReceipts receipts = archived;
        if (receipts == null) {
            return Optional.empty();
        }
        try {
            return receipts.sweepIndex(SWEEP);
        } catch (RuntimeException e) {
            // an unreadable or failing archive is reported where it is read (503 naming it), not as a log breach
            LOG.warn("audit self-check could not compare the archive index: {}", e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * Compares the indexed columns of up to {@link #SWEEP} receipts verified earlier with what they
     * sign, continuing where the previous run stopped and starting over at the end of the verified log.
     */
    private void sweepColumns() throws Mismatch {
        long end = verified.size();
        long start = liveStart();
        if (sweepFrom < start || sweepFrom >= end) {
            sweepFrom = start;
        }
        if (sweepFrom >= end) {
            return;
        }
        long to = Math.min(end, sweepFrom + SWEEP);
        Optional<AuditRepository.ColumnMismatch> changed = repository.firstColumnMismatch(sweepFrom, to);
        if (changed.isPresent()) {
            AuditRepository.ColumnMismatch m = changed.get();
            throw new Mismatch(m.logIndex(), "receipt " + m.logIndex() + ": column " + m.column() + " says " + m.stored()
                    + ", the signed receipt says " + m.signed() + " (changed after it was verified)");
        }
        sweepFrom = to;
    }

    /** The stored subtree hashes must be the ones the verified receipts produce; names the lowest index that differs. */
    private void compareNodes(List<MerkleFrontier.Node> completed) throws Mismatch {
        Map<Integer, List<MerkleFrontier.Node>> byLevel = new TreeMap<>();
        completed.forEach(n -> byLevel.computeIfAbsent(n.level(), l -> new ArrayList<>()).add(n));
        Mismatch lowest = null;
        for (Map.Entry<Integer, List<MerkleFrontier.Node>> level : byLevel.entrySet()) {
            List<MerkleFrontier.Node> nodes = level.getValue();
            Map<Long, byte[]> stored = repository.perfectRange(level.getKey(), nodes.get(0).index(),
                    nodes.get(nodes.size() - 1).index());
            for (MerkleFrontier.Node node : nodes) {
                byte[] hash = stored.get(node.index());
                if (hash == null || !MessageDigest.isEqual(hash, node.hash())) {
                    long first = node.index() << node.level();
                    if (lowest == null || first < lowest.index) {
                        lowest = new Mismatch(first, "the stored subtree hash over indices " + first + " to "
                                + (first + (1L << node.level()) - 1) + (hash == null ? " is missing" : " differs from the"
                                + " one its receipts produce"));
                    }
                    break;
                }
            }
        }
        if (lowest != null) {
            throw lowest;
        }
    }

    /** A stored receipt: in its place, signed by a receipt key valid when stamped, its columns what it signs. */
    private void checkReceipt(AuditRepository.ReceiptRow row) throws Mismatch {
        WrittenReceipts mine = written;
        if (mine != null && mine.wroteExactly(row)) {
            confirmedByDigest++;
            return;
        }
        long index = row.logIndex();
        Map<String, Object> receipt;
        try {
            receipt = mapper.readValue(row.json(), MAP);
        } catch (IOException e) {
            throw new Mismatch(index, "receipt " + index + " is not JSON");
        }
        Object logIndex = receipt.get("log_index");
        if (!(logIndex instanceof Number n) || n.longValue() != index) {
            throw new Mismatch(index, "receipt " + index + " says log_index " + logIndex);
        }
        Instant ts;
        try {
            ts = Instant.parse(String.valueOf(receipt.get("ts")));
        } catch (DateTimeParseException e) {
            throw new Mismatch(index, "receipt " + index + " has no valid ts");
        }
        Object context = receipt.get("kms_context");
        Map<?, ?> ctx = context instanceof Map<?, ?> m ? m : Map.of();
        checkColumn(index, "receipt_id", row.receiptId(), receipt.get("receipt_id"));
        checkColumn(index, "tenant_id", row.tenantId(), receipt.get("tenant_id"));
        checkColumn(index, "operation", row.operation(), receipt.get("operation"));
        checkColumn(index, "key_id", row.keyId(), ctx.get("key_id"));
        checkColumn(index, "success", row.success(), ctx.get("success"));
        checkColumn(index, "ts", row.ts().toEpochMilli(), ts.toEpochMilli());
        Object signature = receipt.remove("signature");
        Object keyId = receipt.get("receipt_key_id");
        if (!verifies(keyId, ts, CanonicalJson.bytes(receipt), signature)) {
            throw new Mismatch(index, "receipt " + index + ": the signature does not verify with receipt key " + keyId
                    + (keyring.find(String.valueOf(keyId)).map(k -> k.validAt(ts)).orElse(true) ? ""
                    : " (not valid at " + ts + ")"));
        }
    }

    private static void checkColumn(long index, String column, Object stored, Object signed) throws Mismatch {
        if (!Objects.equals(stored, signed)) {
            throw new Mismatch(index, "receipt " + index + ": column " + column + " says " + stored
                    + ", the signed receipt says " + signed);
        }
    }

    private void checkHead(TreeHead head, byte[] recomputed) throws Mismatch {
        if (!verifies(head.keyId(), head.timestamp(), CanonicalJson.bytes(head.content()), head.signatureBase64())) {
            throw new Mismatch(head.treeSize(), "the tree head of size " + head.treeSize()
                    + " does not verify with receipt key " + head.keyId());
        }
        String root = HexFormat.of().formatHex(recomputed);
        if (!root.equals(head.rootHashHex())) {
            throw new Mismatch(head.treeSize(), "the tree head of size " + head.treeSize() + " signs root "
                    + head.rootHashHex() + ", the stored receipts produce " + root);
        }
    }

    /** True when {@code signature} (base64) over {@code message} verifies with {@code keyId}, valid at {@code at}. */
    private boolean verifies(Object keyId, Instant at, byte[] message, Object signature) {
        if (!(keyId instanceof String id) || !(signature instanceof String sig)) {
            return false;
        }
        Optional<ReceiptKeyring.ReceiptKey> key = keyring.find(id);
        if (key.isEmpty()) {
            keyring.reload(); // a key another node rotated to since this node last looked
            key = keyring.find(id);
        }
        if (key.isEmpty() || !key.get().validAt(at)) {
            return false;
        }
        byte[] spki = key.get().publicKeySpki();
        PublicKey publicKey = publicKeys.computeIfAbsent(id, k -> crypto.publicKey(KeyType.ED25519, spki));
        try {
            return crypto.verify(SignatureAlgorithm.EDDSA, publicKey, message, Base64.getDecoder().decode(sig));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The first place where the stored log differs from what was verified. */
    private static final class Mismatch extends Exception {
        private final long index;

        Mismatch(long index, String reason) {
            super(reason, null, false, false);
            this.index = index;
        }
    }
}
