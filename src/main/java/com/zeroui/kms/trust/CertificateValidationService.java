package com.zeroui.kms.trust;

import com.zeroui.kms.crypto.Digests;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import com.zeroui.kms.audit.AuditRecord;
import com.zeroui.kms.audit.AuditTrail;
import com.zeroui.kms.audit.Audited;
import com.zeroui.kms.auth.CallerIdentity;
import com.zeroui.kms.auth.Tenancy;
import com.zeroui.kms.error.ErrorCode;
import com.zeroui.kms.error.KmsException;
import com.zeroui.kms.keys.Plane;
import com.zeroui.kms.trust.validation.ChainValidator;
import com.zeroui.kms.trust.validation.Profile;
import com.zeroui.kms.trust.validation.ResponderStatus;
import com.zeroui.kms.trust.validation.Purpose;
import com.zeroui.kms.trust.validation.RevocationMode;
import com.zeroui.kms.trust.validation.ValidationRequest;
import com.zeroui.kms.trust.validation.ValidationResult;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.security.cert.CRLException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.Extension;

/**
 * {@code POST /certificates/validate} and {@code POST /crls}: strict chain validation (the
 * {@code trust.validation} library) against either the caller's trust anchors (like
 * {@code openssl verify -CAfile}) or the effective bundle of a tenant and plane, with CRLs from the
 * request and the ones ingested earlier — no outbound network is ever needed.
 */
public final class CertificateValidationService {
    public static final int MAX_CRLS_PER_REQUEST = 16;
    public static final int MAX_OCSP_RESPONSES_PER_REQUEST = 16;
    private static final String ALL = "all";

    /** The trust anchors a (tenant, plane) trusts: the effective bundle. */
    public interface AnchorSource {
        List<X509Certificate> effectiveAnchors(String tenantId, Plane plane);

        /** Revoked anchors of GLOBAL and the tenant: a path to one fails with ANCHOR_REVOKED, whoever supplied it. */
        default List<ValidationRequest.RevokedAnchor> revokedAnchors(String tenantId) {
            return List.of();
        }
    }

    private final ChainValidator validator;
    private final AnchorSource anchors;
    private final CrlRepository crls;
    private final java.util.function.Supplier<List<byte[]>> ownCrls;
    private final AuditTrail audit;
    private final Clock clock;
    private final ResponderStatus responder;
    /** Parsed ingested and own CRLs, re-read every few seconds so every node sees a new CRL soon. */
    private final LoadingCache<String, List<X509CRL>> ingested;

    public CertificateValidationService(ChainValidator validator, AnchorSource anchors, CrlRepository crls,
                                        java.util.function.Supplier<List<byte[]>> ownCrls, AuditTrail audit, Clock clock) {
        this(validator, anchors, crls, ownCrls, null, audit, clock);
    }

    /**
     * @param ownCrls   the internal CAs' current CRLs (DER), so certificates the service issued are checked too
     * @param responder the status of the internal CAs' certificates read from the store per request (what OCSP
     *                  and mTLS see), ahead of any CRL; null for none
     */
    public CertificateValidationService(ChainValidator validator, AnchorSource anchors, CrlRepository crls,
                                        java.util.function.Supplier<List<byte[]>> ownCrls, ResponderStatus responder,
                                        AuditTrail audit, Clock clock) {
        this.responder = responder;
        this.ownCrls = ownCrls;
        this.validator = validator;
        this.anchors = anchors;
        this.crls = crls;
        this.audit = audit;
        this.clock = clock;
        this.ingested = Caffeine.newBuilder().expireAfterWrite(Duration.ofSeconds(5)).build(k -> loadIngested());
    }

    /**
     * @param trustAnchorsPem null: the effective bundle of tenantId and plane
     * @param crlsPem          CRLs in PEM or base64 DER, used with the ingested ones
     */
    public record Request(List<String> chainPem, String tenantId, Plane plane, Purpose purpose, Instant validationTime,
                          String hostname, List<String> trustAnchorsPem, List<String> crlsPem, RevocationMode revocation,
                          Profile profile, Integer maxPathLength, List<String> ocspResponses) {
        public Request(List<String> chainPem, String tenantId, Plane plane, Purpose purpose, Instant validationTime,
                       String hostname, List<String> trustAnchorsPem, List<String> crlsPem, RevocationMode revocation) {
            this(chainPem, tenantId, plane, purpose, validationTime, hostname, trustAnchorsPem, crlsPem, revocation,
                    Profile.RFC5280, null, null);
        }
    }

    /** The validation's answer, where its anchors came from ("request" or "bundle"), and the profile applied. */
    public record Outcome(ValidationResult result, String anchorsFrom, Profile profile) {
    }

    public Audited<Outcome> validate(CallerIdentity caller, Request r) {
        AuditRecord record = audit.begin("certificate_validated", "validate", caller)
                .scope(r.tenantId(), null, r.plane() == null ? null : r.plane().apiName())
                .param("purpose", r.purpose().wireName()).param("hostname", r.hostname())
                .param("validation_time", r.validationTime() == null ? null : r.validationTime().toString())
                .param("chain_sha256", r.chainPem().stream().map(Digests::sha256Hex).toList())
                .param("trust_anchors", r.trustAnchorsPem() == null ? "bundle" : "request")
                .param("crls", r.crlsPem() == null ? 0 : r.crlsPem().size())
                .param("profile", r.profile().wireName()).param("max_path_length", r.maxPathLength())
                .param("ocsp_responses", r.ocspResponses() == null ? 0 : r.ocspResponses().size());
        return audit.run(record, () -> {
            if (r.hostname() != null) {
                try {
                    ValidationRequest.normalizeHostname(r.hostname());
                } catch (IllegalArgumentException e) {
                    throw KmsException.invalid("hostname", e.getMessage());
                }
            }
            // the caller's anchors go to the validator as DER: its own parser judges what the JDK's would refuse
            List<byte[]> requestAnchors = null;
            List<X509Certificate> trusted = List.of();
            String from;
            if (r.trustAnchorsPem() != null) {
                requestAnchors = new ArrayList<>();
                for (int i = 0; i < r.trustAnchorsPem().size(); i++) {
                    requestAnchors.add(certificateStructure(i, decode("trust_anchors", r.trustAnchorsPem().get(i), "CERTIFICATE")));
                }
                from = "request";
            } else {
                if (r.tenantId() == null || r.plane() == null) {
                    throw KmsException.invalid("tenant_id", "tenant_id and plane name the trust bundle to validate "
                            + "against (or pass trust_anchors)");
                }
                // the bundle is the tenant's, for all its environments: a token-bound caller of the tenant uses it too
                Tenancy.requireTenant(caller, r.tenantId());
                trusted = anchors.effectiveAnchors(r.tenantId(), r.plane());
                from = "bundle";
                if (trusted.isEmpty() && anchors.revokedAnchors(r.tenantId()).isEmpty()) {
                    throw KmsException.invalid("tenant_id", "the trust bundle of tenant " + r.tenantId() + " on plane "
                            + r.plane().apiName() + " is empty");
                }
            }
            List<X509CRL> revocationLists = new ArrayList<>(ingested.get(ALL));
            if (r.crlsPem() != null) {
                if (r.crlsPem().size() > MAX_CRLS_PER_REQUEST) {
                    throw KmsException.invalid("crls", "at most " + MAX_CRLS_PER_REQUEST + " CRLs per request");
                }
                for (String crl : r.crlsPem()) {
                    revocationLists.add(parseCrl("crls", crl));
                }
            }
            List<byte[]> ocsp = List.of();
            if (r.ocspResponses() != null) {
                if (r.ocspResponses().size() > MAX_OCSP_RESPONSES_PER_REQUEST) {
                    throw KmsException.invalid("ocsp_responses", "at most " + MAX_OCSP_RESPONSES_PER_REQUEST
                            + " OCSP responses per request");
                }
                ocsp = r.ocspResponses().stream().map(o -> decode("ocsp_responses", o, "OCSP RESPONSE")).toList();
            }
            // never another tenant's revocations: they would tell the caller about that tenant's anchors
            String tenantForRevokedAnchors = r.tenantId() != null && Tenancy.mayActFor(caller, r.tenantId()) ? r.tenantId()
                    : caller.tenantId();
            ValidationRequest.Builder builder = ValidationRequest.builder()
                    .purpose(r.purpose()).time(r.validationTime()).hostname(r.hostname())
                    .crls(revocationLists).revocationMode(r.revocation()).profile(r.profile())
                    .maxPathLength(r.maxPathLength()).responderStatus(responder)
                    .revokedAnchors(anchors.revokedAnchors(tenantForRevokedAnchors));
            try {
                builder.ocspResponses(ocsp);
            } catch (IllegalArgumentException e) {
                throw KmsException.invalid("ocsp_responses", e.getMessage());
            }
            if (requestAnchors != null) {
                builder.trustAnchorsDer(requestAnchors);
            } else {
                builder.trustAnchors(trusted);
            }
            ValidationRequest request;
            try {
                request = builder.chainDer(r.chainPem().stream().map(p -> certificateDer("chain", p)).toList()).build();
            } catch (IllegalArgumentException e) {
                throw KmsException.invalid("chain", e.getMessage());
            }
            return new Outcome(validator.validate(request), from, r.profile());
        });
    }

    /** Stores an external CA's CRL (PEM or base64 DER) unless one at least as new is stored; admin only. */
    public Audited<CrlRepository.StoredCrl> ingest(CallerIdentity caller, String crlText) {
        AuditRecord record = audit.begin("crl_ingested", "ingest_crl", caller).param("crl_sha256", Digests.sha256Hex(crlText));
        return audit.run(record, () -> {
            if (!caller.isAdmin()) {
                // a CRL replaces the issuer's previous one: only operators decide which lists the service trusts to be current
                throw new KmsException(ErrorCode.UNAUTHORIZED, "only the admin role may ingest CRLs",
                        Map.of("caller", caller.moduleId()));
            }
            X509CRL crl = parseCrl("crl", crlText);
            byte[] number = crl.getExtensionValue(Extension.cRLNumber.getId());
            if (number == null) {
                throw KmsException.invalid("crl", "the CRL has no CRL number (RFC 5280 §5.2.3 requires one)");
            }
            BigInteger crlNumber = ASN1Integer.getInstance(ASN1OctetString.getInstance(number).getOctets()).getValue();
            CrlRepository.StoredCrl stored;
            try {
                stored = new CrlRepository.StoredCrl(crlId(crl), crl.getIssuerX500Principal().getName(), crlNumber.toString(),
                        crl.getThisUpdate().toInstant(), crl.getNextUpdate() == null ? null : crl.getNextUpdate().toInstant(),
                        crl.getRevokedCertificates() == null ? 0 : crl.getRevokedCertificates().size(), crl.getEncoded(),
                        clock.instant().truncatedTo(ChronoUnit.MILLIS), caller.moduleId());
            } catch (CRLException e) {
                throw KmsException.invalid("crl", "the CRL cannot be re-encoded: " + e.getMessage());
            }
            if (!crls.putIfNewer(stored)) {
                throw KmsException.invalid("crl", "a CRL for " + stored.issuerDn() + " with a CRL number of at least "
                        + crlNumber + " is already stored");
            }
            ingested.invalidateAll();
            return stored;
        });
    }

    private List<X509CRL> loadIngested() {
        List<X509CRL> out = new ArrayList<>();
        for (byte[] der : ownCrls.get()) {
            try {
                out.add((X509CRL) factory().generateCRL(new ByteArrayInputStream(der)));
            } catch (CRLException e) {
                throw new IllegalStateException("an internal CA's CRL does not parse", e);
            }
        }
        for (CrlRepository.StoredCrl s : crls.all()) {
            try {
                out.add((X509CRL) factory().generateCRL(new ByteArrayInputStream(s.der())));
            } catch (CRLException e) {
                throw new IllegalStateException("stored CRL " + s.crlId() + " does not parse", e);
            }
        }
        return List.copyOf(out);
    }

    /** Issuer name plus authority key id: two CAs with one name and different keys keep separate lists. */
    private static String crlId(X509CRL crl) {
        byte[] aki = crl.getExtensionValue(Extension.authorityKeyIdentifier.getId());
        String keyId = "";
        if (aki != null) {
            byte[] id = AuthorityKeyIdentifier.getInstance(ASN1OctetString.getInstance(aki).getOctets()).getKeyIdentifier();
            keyId = id == null ? "" : HexFormat.of().formatHex(id);
        }
        return Digests.sha256Hex(crl.getIssuerX500Principal().getName() + "|" + keyId).substring(0, 32);
    }

    /**
     * A trust anchor must at least be a DER SEQUENCE of three (a Certificate's outline); whether it is
     * a good certificate is the validator's verdict, not a 400, even where the JDK's parser gives up.
     */
    private static byte[] certificateStructure(int index, byte[] der) {
        try {
            if (org.bouncycastle.asn1.ASN1Primitive.fromByteArray(der) instanceof org.bouncycastle.asn1.ASN1Sequence seq
                    && seq.size() == 3) {
                return der;
            }
        } catch (java.io.IOException | RuntimeException e) {
            // fall through
        }
        throw KmsException.invalid("trust_anchors", "trust_anchors[" + index + "] is not a DER or PEM X.509 certificate");
    }

    /** One PEM CERTIFICATE block (or bare base64 DER) as DER; its content is judged by the validator. */
    private static byte[] certificateDer(String field, String text) {
        return decode(field, text, "CERTIFICATE");
    }

    private static X509CRL parseCrl(String field, String text) {
        try {
            return (X509CRL) factory().generateCRL(new ByteArrayInputStream(decode(field, text, "X509 CRL")));
        } catch (CRLException | RuntimeException e) {
            throw KmsException.invalid(field, field + " is not a DER or PEM X.509 CRL");
        }
    }

    private static byte[] decode(String field, String text, String pemType) {
        String body = text.trim();
        String begin = "-----BEGIN " + pemType + "-----";
        String end = "-----END " + pemType + "-----";
        if (body.startsWith("-----BEGIN")) {
            if (!body.startsWith(begin) || !body.endsWith(end) || body.indexOf("-----BEGIN", 1) >= 0) {
                throw KmsException.invalid(field, field + " entries must each be one PEM " + pemType + " block");
            }
            body = body.substring(begin.length(), body.length() - end.length());
        }
        try {
            return Base64.getMimeDecoder().decode(body);
        } catch (IllegalArgumentException e) {
            throw KmsException.invalid(field, field + " entries must be PEM or base64 DER");
        }
    }

    private static CertificateFactory factory() {
        try {
            return CertificateFactory.getInstance("X.509");
        } catch (CertificateException e) {
            throw new IllegalStateException(e);
        }
    }

}
