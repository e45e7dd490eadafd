package com.zeroui.kms.audit;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The database side of sealed archives: where each archived receipt lies (archive, byte offset,
 * length) with the columns the audit search filters on, and per archive the signed tree head at its
 * end, the Merkle frontier at its start and its node file. One indexed lookup answers a receipt id;
 * nothing here is trusted for authorisation or integrity — the bytes read are checked against the
 * sealed root and the receipt's own signed fields.
 */
public interface ArchiveIndex {

    /** An indexed archive; {@code deletedAt} is set once retention removed it (the row stays, as a tombstone). */
    record Archive(long firstIndex, long endIndex, String nodesFile, TreeHead endHead,
                   List<MerkleFrontier.Node> startFrontier, Instant indexedAt, Instant deletedAt, String deletionReceiptId) {
        public boolean deleted() {
            return deletedAt != null;
        }
    }

    /** Where one archived receipt lies, with the searchable columns of the live table. */
    record Entry(long logIndex, String receiptId, long archiveFirstIndex, long offset, int length, Instant ts,
                 String tenantId, String keyId, String operation, boolean success) {
    }

    /** Inserts entries (again after an interrupted run: existing ones are kept). */
    void addEntries(List<Entry> entries);

    /** Records the archive as indexed, after all its entries are durable. */
    void recordArchive(Archive archive);

    Optional<Archive> archive(long firstIndex);

    /** Every indexed archive in log order (one row per archive). */
    List<Archive> archives();

    Optional<Entry> findByReceiptId(String receiptId);

    /** Entries matching the query in log order, strictly after its {@code afterIndex}. */
    List<Entry> query(AuditRepository.Query query, int limit);

    /** Removes up to {@code limit} entries of the archive starting at {@code firstIndex}; returns how many went. */
    int removeEntries(long firstIndex, int limit);

    /** Marks the archive deleted by retention, naming the receipt that recorded it. */
    void markDeleted(long firstIndex, Instant at, String receiptId);
}
