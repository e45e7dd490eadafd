package com.zeroui.kms.trust.anchors;

import com.zeroui.kms.auth.CallerIdentity;
import com.zeroui.kms.keys.Plane;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;

/**
 * One trust anchor: a CA certificate trusted in one scope ({@code tenantId}: GLOBAL or a tenant)
 * for some planes. {@code version} is the trust store change that added it. {@code revocation} is
 * null unless the anchor was revoked: it then stays in the store (so validation can say so) but
 * leaves every distributed bundle.
 */
public record TrustAnchor(String anchorId, String tenantId, AnchorType type, Set<Plane> planes,
                          String fingerprintSha256, String subject, Instant notBefore, Instant notAfter,
                          int keySizeBits, String certificatePem, long version, Instant createdAt, String createdBy,
                          Revocation revocation) {

    /** When, why (an RFC 5280 CRLReason name) and by whom an anchor was revoked. */
    public record Revocation(Instant revokedAt, String reason, String revokedBy) {
    }

    /** A live (not revoked) anchor. */
    public TrustAnchor(String anchorId, String tenantId, AnchorType type, Set<Plane> planes, String fingerprintSha256,
                       String subject, Instant notBefore, Instant notAfter, int keySizeBits, String certificatePem,
                       long version, Instant createdAt, String createdBy) {
        this(anchorId, tenantId, type, planes, fingerprintSha256, subject, notBefore, notAfter, keySizeBits,
                certificatePem, version, createdAt, createdBy, null);
    }

    public boolean isRevoked() {
        return revocation != null;
    }

    public TrustAnchor {
        planes = planes.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(planes));
    }

    public boolean isGlobal() {
        return CallerIdentity.GLOBAL_TENANT.equals(tenantId);
    }

    /** Planes in their declared order (laptop, tenant, product, shared): stable in views and storage. */
    public java.util.List<Plane> orderedPlanes() {
        return planes.isEmpty() ? java.util.List.of() : java.util.List.copyOf(EnumSet.copyOf(planes));
    }

    public TrustAnchor withVersion(long changeVersion) {
        return new TrustAnchor(anchorId, tenantId, type, planes, fingerprintSha256, subject, notBefore, notAfter,
                keySizeBits, certificatePem, changeVersion, createdAt, createdBy, revocation);
    }
}
