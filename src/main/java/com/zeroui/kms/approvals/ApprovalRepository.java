package com.zeroui.kms.approvals;

import java.time.Instant;
import java.util.Optional;

/**
 * Durable approvals. State changes are conditional updates, so that approving and spending hold
 * exactly once even with several nodes on one database.
 */
public interface ApprovalRepository {
    void insert(Approval approval);

    Optional<Approval> find(String approvalId);

    /**
     * Approvals newest first (by id, a UUIDv7), after {@code beforeId} when given: of one tenant
     * (all when null), one requester (any when null), in the given effective states at {@code now}.
     */
    java.util.List<Approval> list(ApprovalFilter filter, Instant now, String beforeId, int limit);

    /** What {@link #list} selects; null fields select everything. */
    record ApprovalFilter(String tenantId, String requestedBy, java.util.Set<ApprovalStatus> statuses,
                          String environment) {
    }

    /** pending → approved, only while still pending and unexpired at {@code now}; false otherwise. */
    boolean markApproved(String approvalId, String approvedBy, Instant now, Instant tokenExpiresAt);

    /** approved → consumed, only while approved and its token unexpired at {@code now}; false otherwise. */
    boolean consume(String approvalId, Instant now);

    /** Records that a request or token ran out (pending or approved, past its time); idempotent. */
    void markExpired(String approvalId, Instant now);

    /**
     * Spends an externally issued token: records (issuer, jti) once. False when it was already
     * recorded, i.e. the token is being replayed.
     */
    boolean recordExternalUse(String issuer, String jti, String operation, String keyId, Instant usedAt,
                              Instant expiresAt);
}
