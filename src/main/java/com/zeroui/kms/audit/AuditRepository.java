package com.zeroui.kms.audit;

import com.zeroui.kms.events.KmsEvent;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.LongFunction;

/** Durable storage of the receipt log: receipts, complete-subtree hashes and signed tree heads. */
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

    /** Committed number of receipts. */
    long size();

    Optional<ReceiptRow> findByReceiptId(String receiptId);

    record Query(String tenantId, String keyId, String operation, Instant from, Instant to, Long afterIndex) {
    }

    /** Receipts matching the query in log order, strictly after {@code afterIndex}. */
    List<ReceiptRow> query(Query query, int limit);

    /** Receipts with index ≥ {@code fromIndex}, in order, for export. */
    List<ReceiptRow> range(long fromIndex, int limit);

    void insertTreeHead(TreeHead head);

    Optional<TreeHead> latestTreeHead();

    List<TreeHead> treeHeads();

    /** How far {@code sink} has acknowledged the log (0 for a new sink). */
    long sinkCursor(String sink);

    /**
     * Moves {@code sink}'s cursor from {@code from} to {@code to} if it is still at {@code from};
     * false when another node moved it first (it then re-reads and may deliver duplicates).
     */
    boolean advanceSinkCursor(String sink, long from, long to);

    /** {@link MerkleTree.NodeSource#perfect} throws this when a node that must exist is missing. */
    final class MissingNodeException extends IllegalStateException {
        public MissingNodeException(int level, long index) {
            super("audit log node (" + level + ", " + index + ") is missing");
        }
    }
}
