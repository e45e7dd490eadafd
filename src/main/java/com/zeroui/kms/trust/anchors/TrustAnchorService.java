package com.zeroui.kms.trust.anchors;

import com.zeroui.kms.audit.AuditRecord;
import com.zeroui.kms.audit.AuditTrail;
import com.zeroui.kms.audit.Audited;
import com.zeroui.kms.auth.CallerIdentity;
import com.zeroui.kms.auth.Tenancy;
import com.zeroui.kms.crypto.Digests;
import com.zeroui.kms.crypto.Pem;
import com.zeroui.kms.crypto.RandomIds;
import com.zeroui.kms.error.ErrorCode;
import com.zeroui.kms.error.KmsException;
import com.zeroui.kms.events.EventType;
import com.zeroui.kms.events.Events;
import com.zeroui.kms.events.KmsEvent;
import com.zeroui.kms.keys.Plane;
import com.zeroui.kms.paging.IdCursor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trust store: anchors per scope (GLOBAL or a tenant) and plane, and the signed effective
 * bundle of a (tenant, plane). Every operation leaves one receipt; every change takes the next
 * change number and commits its {@code trust_anchor_updated} event with it.
 *
 * <p>Who may do what: GLOBAL anchors are changed by admins only (a platform module is bound to
 * GLOBAL but is not trusted to widen everyone's trust); a tenant's anchors by callers that may act
 * for that tenant. GLOBAL anchors are readable by every caller (they are in every bundle); another
 * tenant's anchor is a 404 indistinguishable from an unknown id.
 *
 * <p>Anchors belong to a tenant (or GLOBAL), not to an environment: a tenant's anchors apply in all
 * its environments. A caller a bearer token binds to one environment therefore reads them (they are
 * in the bundles it validates against) but never adds, removes or revokes one, which would change
 * what every other environment of the tenant trusts ({@link Tenancy#requireUnbound}).
 */
public final class TrustAnchorService implements com.zeroui.kms.trust.CertificateValidationService.AnchorSource {
    private static final Logger LOG = LoggerFactory.getLogger(TrustAnchorService.class);
    public static final int MAX_PAGE = 1000;
    public static final int DEFAULT_PAGE = 100;

    private final TrustAnchorRepository repository;
    private final AuditTrail audit;
    private final Events events;
    private final Clock clock;
    /** The bundle key that signs now (the service key rotates; see {@link TrustBundleVerifier}). */
    private final java.util.function.Supplier<TrustBundleSigner> signer;
    private final AnchorCertificatePolicy policy = new AnchorCertificatePolicy();
    private final X509Certificate internalRoot;
    private final String internalRootFingerprint;

    public TrustAnchorService(TrustAnchorRepository repository, AuditTrail audit, Clock clock,
                              java.util.function.Supplier<TrustBundleSigner> signer, X509Certificate internalRoot) {
        this.repository = repository;
        this.audit = audit;
        this.events = audit.events();
        this.clock = clock;
        this.signer = signer;
        this.internalRoot = internalRoot;
        this.internalRootFingerprint = Digests.sha256Hex(encoded(internalRoot));
    }

    public record AddAnchor(String tenantId, AnchorType type, Set<Plane> planes, String certificatePem) {
        public AddAnchor {
            if (planes.isEmpty()) {
                throw KmsException.invalid("planes", "planes must name at least one plane");
            }
            planes = Set.copyOf(planes);
        }
    }

    public record Removed(TrustAnchor anchor, long version) {
    }

    public record Page(List<TrustAnchor> anchors, String nextCursor) {
    }

    public Audited<TrustAnchor> add(CallerIdentity caller, AddAnchor request) {
        AuditRecord record = audit.begin("trust_anchor_added", "add", caller)
                .scope(request.tenantId(), null, null)
                .param("anchor_type", request.type().apiName())
                .param("planes", EnumSet.copyOf(request.planes()).stream().map(Plane::apiName).toList());
        return audit.run(record, () -> {
            requireManage(caller, request.tenantId());
            return store(caller, request, record);
        });
    }

    private TrustAnchor store(CallerIdentity caller, AddAnchor request, AuditRecord record) {
        AnchorCertificatePolicy.Accepted accepted = policy.accept(request.certificatePem(), request.type(), clock.instant());
        record.param("certificate_sha256", accepted.fingerprintSha256());
        repository.findByFingerprint(request.tenantId(), accepted.fingerprintSha256())
                .ifPresent(existing -> {
                    throw duplicate(request.tenantId(), accepted.fingerprintSha256(), existing.anchorId());
                });
        TrustAnchor anchor = new TrustAnchor(RandomIds.uuid7(clock), request.tenantId(), request.type(), request.planes(),
                accepted.fingerprintSha256(), accepted.subject(), accepted.notBefore(), accepted.notAfter(),
                accepted.keySizeBits(), accepted.pem(), 0, clock.instant().truncatedTo(ChronoUnit.MILLIS),
                caller.moduleId());
        long version;
        try {
            version = repository.insert(anchor, v -> updated(anchor, v, "added"));
        } catch (TrustAnchorRepository.DuplicateAnchorException e) {
            String winner = repository.findByFingerprint(request.tenantId(), accepted.fingerprintSha256())
                    .map(TrustAnchor::anchorId).orElse(null);
            throw duplicate(request.tenantId(), accepted.fingerprintSha256(), winner);
        }
        record.key(anchor.anchorId(), anchor.keySizeBits());
        return anchor.withVersion(version);
    }

    /**
     * Makes the internal CA's root a GLOBAL {@code internal_ca} anchor for every plane unless it
     * already is one. Safe with several nodes starting at once: the loser of the race finds the
     * winner's anchor (the certificate is unique per scope). Leaves a receipt like any addition.
     */
    public void ensureInternalRoot() {
        if (repository.findByFingerprint(CallerIdentity.GLOBAL_TENANT, internalRootFingerprint).isPresent()) {
            return;
        }
        AddAnchor request = new AddAnchor(CallerIdentity.GLOBAL_TENANT, AnchorType.INTERNAL_CA, EnumSet.allOf(Plane.class),
                Pem.certificate(internalRoot));
        AuditRecord record = audit.begin("trust_anchor_added", "add", CallerIdentity.SERVICE)
                .scope(request.tenantId(), null, null)
                .param("anchor_type", request.type().apiName())
                .param("planes", EnumSet.allOf(Plane.class).stream().map(Plane::apiName).toList());
        try {
            TrustAnchor anchor = audit.run(record, () -> store(CallerIdentity.SERVICE, request, record)).value();
            LOG.info("internal CA root {} added as GLOBAL trust anchor {} (version {})", internalRootFingerprint,
                    anchor.anchorId(), anchor.version());
        } catch (KmsException e) {
            if (!e.code().isClientError()) {
                throw e; // storage or log failure: start-up cannot go on without them anyway
            }
            if (repository.findByFingerprint(CallerIdentity.GLOBAL_TENANT, internalRootFingerprint).isEmpty()) {
                // e.g. an expired root: the node still serves; the operator sees why bundles lack it
                LOG.warn("the internal CA root {} was not added as a trust anchor: {} {}", internalRootFingerprint,
                        e.getMessage(), e.details());
            }
            // otherwise another node seeded it first
        }
    }

    public Audited<TrustAnchor> get(CallerIdentity caller, String anchorId) {
        AuditRecord record = audit.begin("trust_anchor_read", "read", caller).keyRef(anchorId);
        return audit.run(record, () -> {
            TrustAnchor anchor = findVisible(caller, anchorId);
            fileUnder(record, anchor);
            return anchor;
        });
    }

    public Audited<Removed> remove(CallerIdentity caller, String anchorId) {
        AuditRecord record = audit.begin("trust_anchor_removed", "remove", caller).keyRef(anchorId);
        return audit.run(record, () -> {
            TrustAnchor anchor = findVisible(caller, anchorId);
            fileUnder(record, anchor);
            requireManage(caller, anchor.tenantId());
            if (anchor.isGlobal() && anchor.fingerprintSha256().equals(internalRootFingerprint)) {
                throw new KmsException(ErrorCode.INVALID_REQUEST, 409, "trust anchor " + anchorId + " is the internal"
                        + " CA's root, which every caller certificate chains to; it cannot be removed",
                        Map.of("trust_anchor_id", anchorId, "reason", "internal_ca_root"), null);
            }
            long version = repository.remove(anchorId, v -> updated(anchor, v, "removed"))
                    .orElseThrow(() -> notFound(anchorId));
            return new Removed(anchor, version);
        });
    }

    /** The reasons an anchor may be revoked with (RFC 5280 CRLReason names; no hold: a revocation is final). */
    public static final List<String> REVOCATION_REASONS = List.of("unspecified", "keyCompromise", "cACompromise",
            "affiliationChanged", "superseded", "cessationOfOperation", "privilegeWithdrawn");

    public record Revoked(TrustAnchor anchor, long version) {
    }

    /**
     * Revokes an anchor: it stays in the store with the time, reason and caller, leaves every
     * distributed bundle, and validation of a path through it fails with ANCHOR_REVOKED. Who may
     * revoke is who may remove. One receipt; one {@code trust_anchor_updated} event (change
     * {@code revoked}) committed with the change number. A second revocation is a 409.
     */
    public Audited<Revoked> revoke(CallerIdentity caller, String anchorId, String reason) {
        AuditRecord record = audit.begin("trust_anchor_revoked", "revoke", caller).keyRef(anchorId).param("reason", reason);
        return audit.run(record, () -> {
            if (!REVOCATION_REASONS.contains(reason)) {
                throw KmsException.invalid("reason", "reason must be one of " + REVOCATION_REASONS);
            }
            TrustAnchor anchor = findVisible(caller, anchorId);
            fileUnder(record, anchor);
            requireManage(caller, anchor.tenantId());
            if (anchor.isGlobal() && anchor.fingerprintSha256().equals(internalRootFingerprint)) {
                throw new KmsException(ErrorCode.INVALID_REQUEST, 409, "trust anchor " + anchorId + " is the internal"
                        + " CA's root, which every caller certificate chains to; it cannot be revoked here",
                        Map.of("trust_anchor_id", anchorId, "reason", "internal_ca_root"), null);
            }
            if (anchor.isRevoked()) {
                throw alreadyRevoked(anchor);
            }
            TrustAnchor.Revocation revocation = new TrustAnchor.Revocation(clock.instant().truncatedTo(ChronoUnit.MILLIS),
                    reason, caller.moduleId());
            TrustAnchor revoked = new TrustAnchor(anchor.anchorId(), anchor.tenantId(), anchor.type(), anchor.planes(),
                    anchor.fingerprintSha256(), anchor.subject(), anchor.notBefore(), anchor.notAfter(), anchor.keySizeBits(),
                    anchor.certificatePem(), anchor.version(), anchor.createdAt(), anchor.createdBy(), revocation);
            long version = repository.revoke(anchorId, revocation, v -> updated(revoked, v, "revoked"))
                    .orElseThrow(() -> repository.findById(anchorId).map(TrustAnchorService::alreadyRevoked)
                            .orElseGet(() -> notFound(anchorId)));
            return new Revoked(revoked, version);
        });
    }

    private static KmsException alreadyRevoked(TrustAnchor anchor) {
        return new KmsException(ErrorCode.INVALID_REQUEST, 409, "trust anchor " + anchor.anchorId() + " is already revoked",
                Map.of("trust_anchor_id", anchor.anchorId(), "reason", "already_revoked"), null);
    }

    /** Lists anchors of one scope (a module: its own tenant's unless it names GLOBAL; an admin: any or all). */
    public Audited<Page> list(CallerIdentity caller, String tenantId, Plane plane, AnchorType type, Integer limit,
                              String cursor) {
        AuditRecord record = audit.begin("trust_anchors_listed", "list", caller)
                .scope(tenantId, null, plane == null ? null : plane.apiName())
                .param("anchor_type", type == null ? null : type.apiName())
                .param("limit", limit).param("cursor", cursor);
        fileGlobalReadsWithTheCaller(record, caller, tenantId, plane);
        return audit.run(record, () -> {
            String tenant = tenantId;
            if (tenant != null) {
                requireRead(caller, tenant);
            } else if (!caller.isAdmin()) {
                tenant = caller.tenantId();
            }
            int size = limit == null ? DEFAULT_PAGE : limit;
            if (size < 1 || size > MAX_PAGE) {
                throw KmsException.invalid("limit", "limit must be between 1 and " + MAX_PAGE);
            }
            String after = cursor == null ? null : IdCursor.decode('a', cursor);
            List<TrustAnchor> rows = repository.list(new TrustAnchorRepository.AnchorFilter(tenant, plane, type, after),
                    size + 1);
            boolean more = rows.size() > size;
            List<TrustAnchor> page = more ? rows.subList(0, size) : rows;
            return new Page(List.copyOf(page), more ? IdCursor.encode('a', page.get(page.size() - 1).anchorId()) : null);
        });
    }

    /** The signed effective bundle of (tenant, plane); {@code tenantId} null means the caller's tenant. */
    public Audited<TrustBundle> bundle(CallerIdentity caller, String tenantId, Plane plane) {
        String tenant = tenantId == null ? caller.tenantId() : tenantId;
        AuditRecord record = audit.begin("trust_bundle_read", "read", caller).scope(tenant, null, plane.apiName());
        fileGlobalReadsWithTheCaller(record, caller, tenant, plane);
        return audit.run(record, () -> {
            requireRead(caller, tenant);
            TrustAnchorRepository.BundleSnapshot snapshot = repository.bundle(tenant, plane);
            return TrustBundle.sign(tenant, plane, snapshot.version(),
                    snapshot.anchors().stream().filter(a -> !a.isRevoked()).toList(),
                    clock.instant().truncatedTo(ChronoUnit.MILLIS), signer.get());
        });
    }

    /**
     * The certificates of the effective bundle of (tenant, plane), for chain validation; the caller
     * of this (an audited validation) has checked the tenant already.
     */
    @Override
    public java.util.List<java.security.cert.X509Certificate> effectiveAnchors(String tenantId, Plane plane) {
        return repository.bundle(tenantId, plane).anchors().stream().filter(a -> !a.isRevoked())
                .flatMap(a -> com.zeroui.kms.crypto.Pem.parseCertificates(a.certificatePem()).stream()).toList();
    }

    /** The revoked anchors of GLOBAL and of the tenant, for validation to name (ANCHOR_REVOKED). */
    @Override
    public List<com.zeroui.kms.trust.validation.ValidationRequest.RevokedAnchor> revokedAnchors(String tenantId) {
        return repository.revoked(tenantId).stream().flatMap(a -> Pem.parseCertificates(a.certificatePem()).stream()
                .map(c -> new com.zeroui.kms.trust.validation.ValidationRequest.RevokedAnchor(encoded(c),
                        "trust anchor " + a.anchorId() + " of " + a.tenantId() + " revoked at " + a.revocation().revokedAt()
                                + " (" + a.revocation().reason() + ")"))).toList();
    }

    private TrustAnchor findVisible(CallerIdentity caller, String anchorId) {
        return repository.findById(anchorId)
                .filter(a -> a.isGlobal() || Tenancy.mayActFor(caller, a.tenantId()))
                .orElseThrow(() -> notFound(anchorId));
    }

    /** A tenant's anchor's receipt goes where that tenant sees it; a GLOBAL one's stays with the caller's tenant. */
    private static void fileUnder(AuditRecord record, TrustAnchor anchor) {
        record.key(anchor.anchorId(), anchor.keySizeBits());
        if (!anchor.isGlobal()) {
            record.subject(anchor.tenantId(), null, null);
        }
    }

    /** A read of the GLOBAL scope is the caller's business: its receipt goes where the caller's tenant sees it. */
    private static void fileGlobalReadsWithTheCaller(AuditRecord record, CallerIdentity caller, String tenantId,
                                                     Plane plane) {
        if (CallerIdentity.GLOBAL_TENANT.equals(tenantId)) {
            record.subject(caller.tenantId(), null, plane == null ? null : plane.apiName());
        }
    }

    private static void requireManage(CallerIdentity caller, String tenantId) {
        Tenancy.requireUnbound(caller, "changing the trust anchors of " + tenantId + ", which apply in all its environments,");
        if (CallerIdentity.GLOBAL_TENANT.equals(tenantId)) {
            if (!caller.isAdmin()) {
                throw new KmsException(ErrorCode.UNAUTHORIZED, "GLOBAL trust anchors are changed by admins only; caller "
                        + caller.moduleId() + " has no admin role", Map.of("tenant_id", tenantId));
            }
            return;
        }
        Tenancy.requireTenant(caller, tenantId);
    }

    private static void requireRead(CallerIdentity caller, String tenantId) {
        if (!CallerIdentity.GLOBAL_TENANT.equals(tenantId)) {
            Tenancy.requireTenant(caller, tenantId);
        }
    }

    /** The spec has no not-found code for anchors (KEY_NOT_FOUND names keys): INVALID_REQUEST with 404, like receipts. */
    static KmsException notFound(String anchorId) {
        return new KmsException(ErrorCode.INVALID_REQUEST, 404, "trust anchor not found: " + anchorId,
                Map.of("trust_anchor_id", anchorId), null);
    }

    private static KmsException duplicate(String tenantId, String fingerprint, String existingId) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("field", "certificate_pem");
        details.put("reason", "duplicate");
        details.put("fingerprint_sha256", fingerprint);
        if (existingId != null) {
            details.put("trust_anchor_id", existingId);
        }
        return new KmsException(ErrorCode.INVALID_REQUEST, 409, "this certificate is already trust anchor "
                + existingId + " of " + tenantId, details, null);
    }

    /**
     * {@code trust_anchor_updated}: the spec's payload plus what a consumer needs to know whether its
     * bundle changed: the change, and the planes. The envelope's tenant is the anchor's scope; an
     * anchor has no environment and may cover several planes, so both envelope fields are null.
     */
    private List<KmsEvent> updated(TrustAnchor anchor, long version, String change) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("trust_anchor_id", anchor.anchorId());
        payload.put("anchor_type", anchor.type().apiName());
        payload.put("version", Long.toString(version));
        payload.put("change", change);
        payload.put("planes", anchor.orderedPlanes().stream().map(Plane::apiName).toList());
        payload.put("fingerprint_sha256", anchor.fingerprintSha256());
        if (anchor.isRevoked()) {
            payload.put("revocation_reason", anchor.revocation().reason());
            payload.put("revoked_at", anchor.revocation().revokedAt().toString());
        }
        return events.make(EventType.TRUST_ANCHOR_UPDATED, anchor.tenantId(), null, null, anchor.anchorId(), payload)
                .map(List::of).orElse(List.of());
    }



    private static byte[] encoded(X509Certificate certificate) {
        try {
            return certificate.getEncoded();
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }
}
