package com.zeroui.kms.audit;

import com.zeroui.kms.auth.CallerIdentity;
import com.zeroui.kms.auth.Tenancy;
import com.zeroui.kms.error.ErrorCode;
import com.zeroui.kms.error.KmsException;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.Period;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The retention policy of sealed archives: every archive is kept at least {@code retention} after
 * the newest receipt it holds, and deleting it before then is refused. Deleting one afterwards is an
 * audited operation ({@value #OPERATION} receipt, refusals included), oldest archive first so that
 * the remaining archives still form one chain from the oldest kept. The seal row and the archive's
 * index row stay as a tombstone: a receipt id of a deleted archive is answered with when and by
 * which receipt it was deleted.
 */
public final class AuditRetention {
    public static final String OPERATION = "audit_archive_deleted";
    public static final Period DEFAULT = Period.ofYears(7);
    private static final int REMOVE_CHUNK = 5_000;

    private final AuditRepository repository;
    private final ArchiveIndex index;
    private final ArchiveStore store;
    private final AuditTrail trail;
    private final Period retention;
    private final Clock clock;

    public AuditRetention(AuditRepository repository, ArchiveIndex index, ArchiveStore store, AuditTrail trail,
                          Period retention, Clock clock) {
        if (retention.isNegative() || retention.isZero()) {
            throw new IllegalArgumentException("audit retention must be positive, got " + retention);
        }
        this.repository = repository;
        this.index = index;
        this.store = store;
        this.trail = trail;
        this.retention = retention;
        this.clock = clock;
    }

    public Period retention() {
        return retention;
    }

    /** One archive as the policy sees it; {@code archive} is null when it was never indexed. */
    public record Status(AuditRepository.Seal seal, ArchiveIndex.Archive archive, Instant retainedUntil, boolean deletable) {
        public boolean deleted() {
            return archive != null && archive.deleted();
        }
    }

    /** Every archive in log order with the earliest moment the policy lets it go. */
    public List<Status> archives() {
        Map<Long, ArchiveIndex.Archive> indexed = new LinkedHashMap<>();
        index.archives().forEach(a -> indexed.put(a.firstIndex(), a));
        Instant now = clock.instant();
        List<Status> out = new ArrayList<>();
        boolean oldestKept = true;
        for (AuditRepository.Seal seal : repository.seals()) {
            ArchiveIndex.Archive archive = indexed.get(seal.firstIndex());
            Instant until = retainedUntil(seal);
            boolean deleted = archive != null && archive.deleted();
            out.add(new Status(seal, archive, until, !deleted && oldestKept && archive != null && !now.isBefore(until)));
            oldestKept &= deleted;
        }
        return out;
    }

    /** The newest receipt's time plus the retention period (calendar arithmetic in UTC: P7Y is seven years). */
    public Instant retainedUntil(AuditRepository.Seal seal) {
        return seal.lastTs().atOffset(ZoneOffset.UTC).plus(retention).toInstant();
    }

    /** What a deletion removed, and the receipt that records it. */
    public record Deletion(AuditRepository.Seal seal, long entriesRemoved, String receiptId) {
    }

    /**
     * Deletes the archive named {@code archiveFile} if the policy allows it: it must be the oldest
     * archive not yet deleted, and its retention must have run out. Audited either way.
     */
    public Deletion delete(String archiveFile, CallerIdentity operator) {
        AuditRecord record = trail.begin(OPERATION, "delete", operator).subject(CallerIdentity.GLOBAL_TENANT, "prod", "shared");
        record.param("archive_file", archiveFile);
        Audited<Deletion> done = trail.run(record, () -> {
            Tenancy.requireUnbound(operator, "deleting an audit archive, which holds every tenant's receipts,");
            if (!operator.isAdmin()) {
                throw new KmsException(ErrorCode.UNAUTHORIZED, "deleting an audit archive needs the admin role",
                        Map.of("module_id", operator.moduleId()));
            }
            Status status = archives().stream().filter(s -> s.seal().archiveFile().equals(archiveFile)).findFirst()
                    .orElseThrow(() -> new KmsException(ErrorCode.INVALID_REQUEST, 404, "no sealed archive is named "
                            + archiveFile, Map.of("archive_file", archiveFile), null));
            check(status);
            AuditRepository.Seal seal = status.seal();
            record.param("archive_sha256", seal.archiveSha256());
            record.param("first_index", seal.firstIndex());
            record.param("end_index", seal.endIndex());
            // the tombstone first: from here on the receipts are answered as deleted, never as present
            index.markDeleted(seal.firstIndex(), clock.instant(), record.receiptId());
            long removed = 0;
            for (int n; (n = index.removeEntries(seal.firstIndex(), REMOVE_CHUNK)) > 0; ) {
                removed += n;
            }
            try {
                store.delete(status.archive().nodesFile());
                store.delete(seal.archiveFile());
            } catch (IOException e) {
                throw KmsException.unavailable("audit_archive", "audit archive " + seal.archiveFile()
                        + " is marked deleted but the archive store could not remove it: " + e.getMessage(), e);
            }
            return new Deletion(seal, removed, record.receiptId());
        });
        return done.value();
    }

    private void check(Status status) {
        AuditRepository.Seal seal = status.seal();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("archive_file", seal.archiveFile());
        if (status.deleted()) {
            throw new KmsException(ErrorCode.INVALID_REQUEST, 409, "archive " + seal.archiveFile() + " was deleted at "
                    + status.archive().deletedAt() + " (receipt " + status.archive().deletionReceiptId() + ")", details, null);
        }
        Optional<Status> older = archives().stream()
                .filter(s -> s.seal().firstIndex() < seal.firstIndex() && !s.deleted()).findFirst();
        if (older.isPresent()) {
            details.put("oldest_archive", older.get().seal().archiveFile());
            throw new KmsException(ErrorCode.INVALID_REQUEST, 409, "archives are deleted oldest first, so that those kept"
                    + " still form one chain: delete " + older.get().seal().archiveFile() + " first", details, null);
        }
        if (status.archive() == null) {
            throw new KmsException(ErrorCode.INVALID_REQUEST, 409, "archive " + seal.archiveFile() + " is not indexed yet"
                    + " ('kms audit seal' indexes archives the store holds); it is kept", details, null);
        }
        Instant now = clock.instant();
        if (now.isBefore(status.retainedUntil())) {
            details.put("retention", retention.toString());
            details.put("retained_until", status.retainedUntil().toString());
            throw new KmsException(ErrorCode.POLICY_VIOLATION, "archive " + seal.archiveFile() + " holds receipts up to "
                    + seal.lastTs() + "; the audit retention of " + retention + " keeps it until " + status.retainedUntil(),
                    details);
        }
    }
}
