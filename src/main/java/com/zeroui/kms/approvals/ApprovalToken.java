package com.zeroui.kms.approvals;

import java.time.Instant;
import java.util.List;

/**
 * The claims of an approval token (a compact JWS), after its signature has been verified.
 *
 * @param issuer           {@link ApprovalTokens#ISSUER} for tokens this service minted, else a registered external issuer
 * @param approvalId       the {@code jti}: the approval id for our tokens, the issuer's unique id otherwise
 * @param keyId            null for generate
 * @param parametersDigest {@code sha256:<hex>} of the canonical parameters (see {@link ApprovalDigest})
 * @param requestedBy      SPIFFE ID of the identity that will run the operation
 * @param approvedBy       identity of the approver (a SPIFFE ID for our tokens)
 */
public record ApprovalToken(String issuer, String approvalId, String operation, String keyId, String tenantId,
                            String parametersDigest, String requestedBy, String approvedBy, List<String> approverRoles,
                            Instant issuedAt, Instant expiresAt) {
    public ApprovalToken {
        approverRoles = List.copyOf(approverRoles);
    }

    public boolean internal() {
        return ApprovalTokens.ISSUER.equals(issuer);
    }
}
