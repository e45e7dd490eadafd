package com.zeroui.kms.trust.pki;

import com.zeroui.kms.audit.AuditRecord;
import com.zeroui.kms.audit.AuditTrail;
import com.zeroui.kms.audit.Audited;
import com.zeroui.kms.auth.CallerIdentity;
import com.zeroui.kms.auth.SpiffeId;
import com.zeroui.kms.auth.SpiffeIdentities;
import com.zeroui.kms.crypto.Digests;
import com.zeroui.kms.crypto.Pem;
import com.zeroui.kms.error.ErrorCode;
import com.zeroui.kms.error.KmsException;
import com.zeroui.kms.ops.PkiConfig;
import com.zeroui.kms.trust.CertificateAuthority;
import com.zeroui.kms.trust.InternalCa;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Certificate enrollment from CSRs, reads, listing and revocation, each leaving one receipt.
 * Receipts name the certificate serial as their {@code key_id} (so the audit search finds a
 * certificate's history) and are filed under the tenant of the certified identity.
 *
 * <p>Visibility: an admin sees every certificate; any other caller only those certifying its
 * own SPIFFE ID. Another identity's certificate answers 404 exactly like an unknown serial.
 */
public final class CertificateService {
    private static final Logger LOG = LoggerFactory.getLogger(CertificateService.class);
    public static final int MAX_PAGE = 1000;
    static final int DEFAULT_PAGE = 100;
    private static final Pattern SERIAL = Pattern.compile("[0-9A-Fa-f]{1,40}");
    private static final int CAS_ATTEMPTS = 3;

    private final CertificateAuthority authority;
    private final CertificateStore store;
    private final EnrollmentPolicy policy;
    private final SpiffeIdentities identities;
    private final RevocationPointers pointers;
    private final AuditTrail audit;
    private final Settings settings;
    private final Clock clock;
    private final Runnable onRevocationChange;

    /**
     * @param defaultClientTtl   lifetime when a client enrollment names none (capped by the maximum)
     * @param defaultServerTtl   lifetime when a server enrollment names none (capped by the maximum)
     */
    public record Settings(Duration maxTtl, Duration defaultClientTtl, Duration defaultServerTtl) {
    }

    public CertificateService(CertificateAuthority authority, CertificateStore store, SpiffeIdentities identities,
                              RevocationPointers pointers, AuditTrail audit, Settings settings, Clock clock,
                              Runnable onRevocationChange) {
        this.authority = authority;
        this.store = store;
        this.policy = new EnrollmentPolicy(identities);
        this.identities = identities;
        this.pointers = pointers;
        this.audit = audit;
        this.settings = settings;
        this.clock = clock;
        this.onRevocationChange = onRevocationChange;
    }

    /** An issued certificate with its chain up to the root: issuing CA, then root. */
    public record Issued(CertificateRecord record, X509Certificate certificate, List<X509Certificate> chain) {
    }

    public Audited<Issued> enroll(CallerIdentity caller, String csrPem, CertificateProfile profile, Duration ttl) {
        AuditRecord record = audit.begin("certificate_issued", "issue", caller)
                .param("profile", profile.apiName()).param("ttl", ttl == null ? null : ttl.toString())
                .param("csr_sha256", Digests.sha256Hex(csrPem));
        return audit.run(record, () -> {
            SigningRequest csr = SigningRequest.parse(csrPem);
            EnrollmentPolicy.Enrollment enrollment = policy.decide(caller, profile, csr);
            fileUnder(record, enrollment.subject(), caller);
            InternalCa ca = authority.ca();
            Duration lifetime = lifetime(profile, ttl, ca.issuing());
            KeyPurposeId purpose = profile == CertificateProfile.SERVER ? KeyPurposeId.id_kp_serverAuth
                    : KeyPurposeId.id_kp_clientAuth;
            X509Certificate cert = ca.issue(csr.publicKey(), enrollment.subjectDn(), enrollment.sans(), purpose,
                    KeyUsage.digitalSignature, lifetime, pointers.extensionsFor(InternalCa.ISSUING_ID));
            CertificateRecord issued = new CertificateRecord(cert.getSerialNumber().toString(16), InternalCa.ISSUING_ID,
                    enrollment.subject(), profile.apiName(), cert.getNotBefore().toInstant(), cert.getNotAfter().toInstant(),
                    Pem.certificate(cert), clock.instant().truncatedTo(ChronoUnit.MILLIS), false, null, null,
                    caller.spiffeId(), csr.keyAlgorithm());
            record.key(issued.serial(), keyBits(csr.keyAlgorithm())).algorithm(csr.keyAlgorithm());
            store.insert(issued);
            return new Issued(issued, cert, authority.caChain());
        });
    }

    private Duration lifetime(CertificateProfile profile, Duration requested, X509Certificate issuing) {
        Duration max = settings.maxTtl();
        Duration ttl = requested;
        if (ttl == null) {
            Duration preferred = profile == CertificateProfile.SERVER ? settings.defaultServerTtl() : settings.defaultClientTtl();
            ttl = preferred.compareTo(max) > 0 ? max : preferred;
        } else if (ttl.compareTo(PkiConfig.MIN_CERTIFICATE_TTL) < 0 || ttl.compareTo(max) > 0) {
            throw new KmsException(ErrorCode.INVALID_REQUEST, "ttl " + ttl + " is outside " + PkiConfig.MIN_CERTIFICATE_TTL
                    + ".." + max, Map.of("field", "ttl", "min", PkiConfig.MIN_CERTIFICATE_TTL.toString(), "max", max.toString()));
        }
        // a certificate never outlives its issuer
        Duration issuerLeft = Duration.between(clock.instant(), issuing.getNotAfter().toInstant());
        return ttl.compareTo(issuerLeft) > 0 ? issuerLeft : ttl;
    }

    public Audited<CertificateRecord> get(CallerIdentity caller, String serial) {
        AuditRecord record = audit.begin("certificate_read", "read", caller).keyRef(serial);
        return audit.run(record, () -> visible(caller, serial, record));
    }

    public record Page(List<CertificateRecord> certificates, String nextCursor) {
    }

    public record ListRequest(CertificateRecord.Status status, String subject, Instant expiringBefore, Integer limit,
                              String cursor) {
    }

    public Audited<Page> list(CallerIdentity caller, ListRequest request) {
        AuditRecord record = audit.begin("certificates_listed", "list", caller)
                .param("status", request.status() == null ? null : request.status().apiName())
                .param("subject", request.subject())
                .param("expiring_before", request.expiringBefore() == null ? null : request.expiringBefore().toString())
                .param("limit", request.limit()).param("cursor", request.cursor());
        return audit.run(record, () -> {
            String subject = request.subject();
            if (!caller.isAdmin()) {
                if (subject != null && !SpiffeId.same(subject, caller.spiffeId())) {
                    throw new KmsException(ErrorCode.UNAUTHORIZED, "a module may only list its own certificates ("
                            + caller.spiffeId() + ")", Map.of("field", "subject"));
                }
                subject = caller.spiffeId();
            }
            int size = request.limit() == null ? DEFAULT_PAGE : request.limit();
            if (size < 1 || size > MAX_PAGE) {
                throw KmsException.invalid("limit", "limit must be between 1 and " + MAX_PAGE);
            }
            CertificateStore.PageMark after = request.cursor() == null ? null : decodeCursor(request.cursor());
            List<CertificateRecord> rows = store.list(new CertificateStore.ListFilter(request.status(), subject,
                    request.expiringBefore(), clock.instant(), after), size + 1);
            boolean more = rows.size() > size;
            List<CertificateRecord> page = more ? rows.subList(0, size) : rows;
            String next = more ? encodeCursor(page.get(page.size() - 1)) : null;
            return new Page(List.copyOf(page), next);
        });
    }

    /**
     * Revokes (or, with removeFromCRL, releases from a certificateHold) one certificate. An admin may
     * give any reason; the certified module itself only keyCompromise, superseded or
     * cessationOfOperation. A permanent revocation is final: revoking again is 409 KEY_REVOKED.
     */
    public Audited<CertificateRecord> revoke(CallerIdentity caller, String serial, RevocationReason reason) {
        AuditRecord record = audit.begin("certificate_revoked", "revoke", caller).keyRef(serial)
                .param("reason", reason.apiName());
        Audited<CertificateRecord> result = audit.run(record, () -> {
            if (!caller.isAdmin() && !RevocationReason.SELF_SERVICE.contains(reason)) {
                visible(caller, serial, record); // another module's certificate stays a 404
                throw new KmsException(ErrorCode.UNAUTHORIZED, "a module may revoke its own certificate only with reason "
                        + RevocationReason.SELF_SERVICE.stream().map(RevocationReason::apiName).toList(),
                        Map.of("field", "reason", "allowed", RevocationReason.SELF_SERVICE.stream().map(RevocationReason::apiName).toList()));
            }
            for (int attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
                CertificateRecord current = visible(caller, serial, record);
                CertificateRecord updated = transition(current, reason);
                if (store.changeRevocation(current, updated)) {
                    return updated;
                }
            }
            throw KmsException.unavailable("storage", "certificate " + serial + " kept changing while being revoked; retry", null);
        });
        try {
            onRevocationChange.run(); // re-sign the CRL now; a failure here leaves it to the next fetch
        } catch (RuntimeException e) {
            LOG.warn("refreshing revocation data after revoking {} failed: {}", serial, e.getMessage());
        }
        return result;
    }

    private CertificateRecord transition(CertificateRecord current, RevocationReason reason) {
        boolean onHold = current.revoked() && current.revocationReason() == RevocationReason.CERTIFICATE_HOLD;
        if (current.revoked() && !onHold) {
            throw alreadyRevoked(current, "is revoked");
        }
        if (reason == RevocationReason.REMOVE_FROM_CRL) {
            if (!onHold) {
                throw new KmsException(ErrorCode.INVALID_REQUEST, "removeFromCRL releases a certificateHold; certificate "
                        + current.serial() + " is not on hold", Map.of("field", "reason", "serial", current.serial()));
            }
            return current.withRevocation(false, null, null);
        }
        if (onHold && reason == RevocationReason.CERTIFICATE_HOLD) {
            throw alreadyRevoked(current, "is already on hold");
        }
        // a hold made permanent keeps the time the hold began: signatures since then stay suspect
        Instant at = onHold ? current.revokedAt() : clock.instant().truncatedTo(ChronoUnit.SECONDS);
        return current.withRevocation(true, at, reason);
    }

    private static KmsException alreadyRevoked(CertificateRecord current, String what) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("serial", current.serial());
        details.put("revoked_at", current.revokedAt() == null ? null : current.revokedAt().toString());
        details.put("revocation_reason", current.revocationReason() == null ? null : current.revocationReason().apiName());
        return new KmsException(ErrorCode.KEY_REVOKED, "certificate " + current.serial() + " " + what
                + " (" + details.get("revocation_reason") + ")", details);
    }

    /** The certificate when this caller may see it; 404 otherwise, as for an unknown serial. */
    private CertificateRecord visible(CallerIdentity caller, String serial, AuditRecord record) {
        CertificateRecord found = store.find(serial)
                .filter(c -> caller.isAdmin() || SpiffeId.same(c.subject(), caller.spiffeId()))
                .orElseThrow(() -> new KmsException(ErrorCode.KEY_NOT_FOUND, "no certificate with serial " + serial,
                        Map.of("serial", serial)));
        fileUnder(record, found.subject(), caller);
        return found;
    }

    /** Files the receipt under the certified identity's tenant, so that tenant sees it. */
    private void fileUnder(AuditRecord record, String subject, CallerIdentity caller) {
        String tenant = identities.parse(subject).map(CallerIdentity::tenantId).orElse(caller.tenantId());
        record.subject(tenant, null, null);
    }

    /** A serial as the API accepts it (hex, any case, leading zeros allowed) in the stored form. */
    public static String parseSerial(String value) {
        if (value == null || !SERIAL.matcher(value).matches()) {
            throw KmsException.invalid("serial", "serial must be 1-40 hexadecimal digits");
        }
        return new BigInteger(value, 16).toString(16);
    }

    private static int keyBits(String keyAlgorithm) {
        return switch (keyAlgorithm) {
            case "EC-P256", "Ed25519" -> 256;
            case "EC-P384" -> 384;
            default -> Integer.parseInt(keyAlgorithm.substring("RSA-".length()));
        };
    }

    private static String encodeCursor(CertificateRecord last) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(("c:" + last.issuedAt().toEpochMilli() + ":"
                + last.serial()).getBytes(StandardCharsets.UTF_8));
    }

    private static CertificateStore.PageMark decodeCursor(String cursor) {
        try {
            String decoded = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            // only our own cursors: "c:" millis ":" serial
            if (decoded.matches("c:[0-9]{1,15}:[0-9a-f]{1,40}")) {
                String[] parts = decoded.split(":");
                return new CertificateStore.PageMark(Instant.ofEpochMilli(Long.parseLong(parts[1])), parts[2]);
            }
        } catch (IllegalArgumentException e) {
            // fall through to the error below
        }
        throw KmsException.invalid("cursor", "cursor is not one this service issued");
    }

}
