package com.zeroui.kms.approvals;

import java.time.Instant;

/**
 * One dual-authorization request and what became of it. {@code parametersJson} is the RFC 8785
 * canonical JSON of the parameters the approval binds; {@code parametersDigest} its SHA-256.
 * Identities are SPIFFE IDs.
 *
 * @param keyId          the key the operation acts on; null for generate
 * @param environment    the key's environment (for generate: the requested one, when given)
 * @param expiresAt      a pending request may be approved until then
 * @param tokenExpiresAt the issued token may be used until then (null until approved)
 */
public record Approval(
        String approvalId,
        String operation,
        String keyId,
        String tenantId,
        String environment,
        String plane,
        String parametersJson,
        String parametersDigest,
        String requestedBy,
        String requestedModule,
        ApprovalStatus status,
        Instant createdAt,
        Instant expiresAt,
        String approvedBy,
        Instant approvedAt,
        Instant tokenExpiresAt,
        Instant consumedAt) {

    /** The stored status, with a request or token whose time has passed reported as expired. */
    public ApprovalStatus statusAt(Instant now) {
        if (status == ApprovalStatus.PENDING && !now.isBefore(expiresAt)) {
            return ApprovalStatus.EXPIRED;
        }
        if (status == ApprovalStatus.APPROVED && tokenExpiresAt != null && !now.isBefore(tokenExpiresAt)) {
            return ApprovalStatus.EXPIRED;
        }
        return status;
    }
}
