package com.zeroui.kms.audit;

import com.zeroui.kms.events.KmsEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.LongFunction;

/**
 * Durable storage of the receipt log: receipts, complete-subtree hashes, signed tree heads, and the
 * seals that moved old ranges into archive files.
 */
public interface AuditRepository extends MerkleTree.NodeSource {

    record ReceiptRow(long logIndex, String receiptId, Instant ts, String tenantId, String keyId, String operation,
                      boolean success, String json) {
    }

    /** What one group commit writes: the receipts, the subtree hashes they complete, the events they announce. */
    record Batch(List<ReceiptRow> receipts, List<MerkleFrontier.Node> nodes, List<KmsEvent> events) {
    }

    /**
     * In one transaction: reserves {@code count} log indices (serialised across nodes by the head
     * row), asks {@code build} for the rows given the first reserved index, and inserts them.
     * Either all of it is durable when this returns, or none of it is.
     */
    void append(int count, LongFunction<Batch> build);

    /**
     * The log's writer has had nothing to append for a while (or stops): a repository that keeps a
     * connection and prepared statements across {@link #append} calls releases them here.
     */
    default void writerIdle() {
    }

    /** Committed number of receipts. */
    long size();

    /**
     * The stored hashes of the subtrees at {@code level} with {@code fromIndex ≤ index ≤ toIndex},
     * by index; absent ones are left out. One query where a caller checks many nodes at once.
     */
    default Map<Long, byte[]> perfectRange(int level, long fromIndex, long toIndex) {
        Map<Long, byte[]> out = new java.util.TreeMap<>();
        for (long i = fromIndex; i <= toIndex; i++) {
            try {
                out.put(i, perfect(level, i));
            } catch (MissingNodeException e) {
                // left out
            }
        }
        return out;
    }

    Optional<ReceiptRow> findByReceiptId(String receiptId);

    record Query(String tenantId, String keyId, String operation, Instant from, Instant to, Long afterIndex,
                 Boolean success) {
        /** Successes and failures alike. */
        public Query(String tenantId, String keyId, String operation, Instant from, Instant to, Long afterIndex) {
            this(tenantId, keyId, operation, from, to, afterIndex, null);
        }
    }

    /** Receipts matching the query in log order, strictly after {@code afterIndex}. */
    List<ReceiptRow> query(Query query, int limit);

    /** An indexed column of a stored receipt that differs from the field the receipt signs. */
    record ColumnMismatch(long logIndex, String column, String stored, String signed) {
    }

    /**
     * The first receipt in {@code [fromIndex, toIndex)} whose {@code tenant_id}, {@code receipt_id},
     * {@code operation} or {@code key_id} column differs from what it signs (evaluated in the
     * database, without loading the receipts).
     */
    Optional<ColumnMismatch> firstColumnMismatch(long fromIndex, long toIndex);

    /** Receipts with index ≥ {@code fromIndex}, in order, for export. */
    List<ReceiptRow> range(long fromIndex, int limit);

    void insertTreeHead(TreeHead head);

    /**
     * Inserts a signed head and, in the same transaction, the events announcing it — only when no
     * head of that size was stored yet (another node may have signed it first).
     */
    default void insertTreeHead(TreeHead head, List<KmsEvent> events) {
        insertTreeHead(head);
    }

    Optional<TreeHead> latestTreeHead();

    /** Up to {@code limit} signed heads with {@code fromSize ≤ tree_size ≤ toSize}, ascending. */
    List<TreeHead> treeHeads(long fromSize, long toSize, int limit);

    /** How far {@code sink} has acknowledged the log (0 for a new sink). */
    long sinkCursor(String sink);

    /**
     * Moves {@code sink}'s cursor from {@code from} to {@code to} if it is still at {@code from};
     * false when another node moved it first (it then re-reads and may deliver duplicates).
     */
    boolean advanceSinkCursor(String sink, long from, long to);

    /** The stored head of exactly {@code size} receipts, if one was signed. */
    Optional<TreeHead> treeHead(long size);

    /** Every delivery cursor (sink name → receipts below it acknowledged). */
    Map<String, Long> sinkCursors();

    // ---- sealing (retention) ----------------------------------------------------------------

    /**
     * A sealed range [firstIndex, endIndex) of the log: its archive file and that file's SHA-256,
     * the signed root at endIndex, the receipt timestamps it spans, and the log index of the
     * audit_sealed receipt that recorded it (null until that receipt is durable).
     */
    record Seal(long firstIndex, long endIndex, String archiveFile, String archiveSha256, String rootHash,
                Instant firstTs, Instant lastTs, Instant sealedAt, Long receiptIndex) {
    }

    /** The seal with the highest range, if any: the live log starts at its {@code endIndex}. */
    Optional<Seal> latestSeal();

    /** Every seal in log order (one row per archive: a small table). */
    List<Seal> seals();

    /** The first sealed range whose receipts were stamped within {@code slack} of {@code ts}. */
    Optional<Seal> sealCovering(Instant ts, Duration slack);

    /**
     * Records a seal if it continues the chain (starts where the latest seal ends, or at 0);
     * false when another seal already covers its start.
     */
    boolean insertSeal(Seal seal);

    /** Notes the log index of the receipt that recorded the seal starting at {@code firstIndex}. */
    void setSealReceiptIndex(long firstIndex, long receiptIndex);

    /** The lowest index ≥ {@code fromIndex} of a receipt stamped at or after {@code ts}, if any. */
    OptionalLong firstIndexStampedFrom(Instant ts, long fromIndex);

    /**
     * Removes up to {@code limit} receipt rows with index below {@code endIndex}, in one short
     * transaction; returns how many went (0 when none are left).
     */
    int removeReceiptsBelow(long endIndex, int limit);

    /**
     * Removes up to {@code limit} subtree hashes lying wholly before leaf {@code endIndex} that no
     * root or proof from {@code endIndex} on needs (all but {@link MerkleFrontier#decomposition});
     * returns how many went.
     */
    int removeNodesBelow(long endIndex, int limit);

    /** Removes the signed tree heads of fewer than {@code size} receipts; returns how many went. */
    int removeTreeHeadsBelow(long size);

    /** {@link MerkleTree.NodeSource#perfect} throws this when a node that must exist is missing. */
    final class MissingNodeException extends IllegalStateException {
        public MissingNodeException(int level, long index) {
            super("audit log node (" + level + ", " + index + ") is missing");
        }
    }
}
