package com.zeroui.kms.trust.anchors;

import com.zeroui.kms.events.KmsEvent;
import com.zeroui.kms.keys.Plane;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.LongFunction;

/**
 * Durable trust anchors and the trust store's change counter. Every change (add, remove) takes the
 * next change number, records it as the version of each (scope, plane) it touches, and commits the
 * events that announce it in the same transaction; {@code events} gets the change number because
 * the events carry it.
 */
public interface TrustAnchorRepository {

    /** Stores a new anchor; returns its change number. Throws {@link DuplicateAnchorException} when its certificate is already an anchor of its scope. */
    long insert(TrustAnchor anchor, LongFunction<List<KmsEvent>> events);

    /** Removes an anchor; returns the change number, or empty when it was not there (any more). */
    OptionalLong remove(String anchorId, LongFunction<List<KmsEvent>> events);

    /**
     * Marks an anchor revoked; returns the change number, or empty when it is not there (any more) or
     * already revoked. Like a removal, it changes the bundles of the anchor's scope and planes.
     */
    OptionalLong revoke(String anchorId, TrustAnchor.Revocation revocation, LongFunction<List<KmsEvent>> events);

    /** The revoked anchors of GLOBAL and of {@code tenantId}, every plane. */
    List<TrustAnchor> revoked(String tenantId);

    Optional<TrustAnchor> findById(String anchorId);

    Optional<TrustAnchor> findByFingerprint(String tenantId, String fingerprintSha256);

    /** Anchors matching the filter, ordered by id, strictly after {@code filter.afterAnchorId()}; null fields match all. */
    List<TrustAnchor> list(AnchorFilter filter, int limit);

    /**
     * The effective bundle of (tenant, plane) as of one consistent moment: the GLOBAL anchors for
     * the plane, then the tenant's own (just the GLOBAL ones when {@code tenantId} is GLOBAL), each
     * layer in id order, with the bundle's version (0 before any change touched it). Revoked anchors are
     * included (callers decide: a distributed bundle leaves them out, validation names them).
     */
    BundleSnapshot bundle(String tenantId, Plane plane);

    record AnchorFilter(String tenantId, Plane plane, AnchorType type, String afterAnchorId) {
    }

    record BundleSnapshot(long version, List<TrustAnchor> anchors) {
        public BundleSnapshot {
            anchors = List.copyOf(anchors);
        }
    }

    final class DuplicateAnchorException extends RuntimeException {
        public DuplicateAnchorException(String tenantId, String fingerprint) {
            super("certificate " + fingerprint + " is already a trust anchor of " + tenantId, null, false, false);
        }
    }
}
