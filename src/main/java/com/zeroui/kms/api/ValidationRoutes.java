package com.zeroui.kms.api;

import com.zeroui.kms.crypto.Digests;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zeroui.kms.audit.Audited;
import com.zeroui.kms.error.KmsException;
import com.zeroui.kms.keys.Plane;
import com.zeroui.kms.trust.CertificateValidationService;
import com.zeroui.kms.trust.CrlRepository;
import com.zeroui.kms.trust.validation.Profile;
import com.zeroui.kms.trust.validation.Purpose;
import com.zeroui.kms.trust.validation.RevocationMode;
import com.zeroui.kms.trust.validation.ValidationResult;
import io.javalin.http.Context;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** POST /certificates/validate and POST /crls. */
final class ValidationRoutes {
    private static final Set<String> VALIDATE_FIELDS = Set.of("chain", "tenant_id", "plane", "purpose", "validation_time",
            "hostname", "trust_anchors", "crls", "revocation", "max_path_length", "ocsp_responses", "profile");
    private static final List<String> PURPOSES = List.of("server_auth", "client_auth", "any");
    private static final List<String> REVOCATION = List.of("require", "best_effort", "none");
    private static final List<String> PROFILES = List.of("rfc5280", "webpki");
    /** No real chain has more intermediates than path building would ever try (a path holds at most 10 certificates). */
    private static final int MAX_PATH_LENGTH = 8;

    private final CertificateValidationService validation;
    private final ObjectMapper mapper;

    ValidationRoutes(CertificateValidationService validation, ObjectMapper mapper) {
        this.validation = validation;
        this.mapper = mapper;
    }

    void validate(Context ctx) {
        JsonRequest body = JsonRequest.parse(ctx, mapper, VALIDATE_FIELDS);
        List<String> chain = body.optionalStringArray("chain", 32)
                .orElseThrow(() -> KmsException.invalid("chain", "chain is required: [leaf PEM, intermediates…]"));
        if (chain.isEmpty()) {
            throw KmsException.invalid("chain", "chain must hold at least the leaf certificate");
        }
        String tenant = body.optionalString("tenant_id", 64).map(t -> Fields.tenantId("tenant_id", t)).orElse(null);
        Plane plane = body.optionalEnum("plane", Plane::fromApiName, Fields.PLANES).orElse(null);
        Purpose purpose = body.optionalEnum("purpose", v -> PURPOSES.contains(v) ? java.util.Optional.of(Purpose.fromWireName(v))
                : java.util.Optional.empty(), PURPOSES).orElse(Purpose.ANY);
        RevocationMode revocation = body.optionalEnum("revocation", v -> REVOCATION.contains(v)
                ? java.util.Optional.of(RevocationMode.fromWireName(v)) : java.util.Optional.empty(), REVOCATION)
                .orElse(RevocationMode.BEST_EFFORT);
        Instant time = body.optionalString("validation_time", 64).map(v -> {
            try {
                return Instant.parse(v);
            } catch (DateTimeParseException e) {
                throw KmsException.invalid("validation_time", "validation_time must be an ISO-8601 instant, e.g. 2026-01-31T12:00:00Z");
            }
        }).orElse(null);
        String hostname = body.optionalString("hostname", 253).orElse(null);
        List<String> anchors = body.optionalStringArray("trust_anchors", 64).orElse(null);
        if (anchors != null && anchors.isEmpty()) {
            throw KmsException.invalid("trust_anchors", "trust_anchors, when given, must name at least one certificate");
        }
        List<String> crls = body.optionalStringArray("crls", CertificateValidationService.MAX_CRLS_PER_REQUEST + 1).orElse(null);
        Profile profile = body.optionalEnum("profile", v -> PROFILES.contains(v)
                ? java.util.Optional.of(Profile.fromWireName(v)) : java.util.Optional.empty(), PROFILES).orElse(Profile.RFC5280);
        Integer maxPathLength = body.optionalLong("max_path_length").map(n -> {
            if (n < 0 || n > MAX_PATH_LENGTH) {
                throw KmsException.invalid("max_path_length", "max_path_length must be between 0 and " + MAX_PATH_LENGTH);
            }
            return n.intValue();
        }).orElse(null);
        List<String> ocsp = body.optionalStringArray("ocsp_responses",
                CertificateValidationService.MAX_OCSP_RESPONSES_PER_REQUEST + 1).orElse(null);
        Audited<CertificateValidationService.Outcome> outcome = validation.validate(Callers.of(ctx),
                new CertificateValidationService.Request(chain, tenant, plane, purpose, time, hostname, anchors, crls,
                        revocation, profile, maxPathLength, ocsp));
        Receipts.respond(ctx, 200, view(outcome.value()), outcome.receiptId());
    }

    void ingestCrl(Context ctx) {
        JsonRequest body = JsonRequest.parse(ctx, mapper, Set.of("crl"));
        String crl = body.optionalString("crl", (int) Math.min(Integer.MAX_VALUE, 64L * 1024 * 1024))
                .orElseThrow(() -> KmsException.invalid("crl", "crl is required (PEM or base64 DER)"));
        Audited<CrlRepository.StoredCrl> stored = validation.ingest(Callers.of(ctx), crl);
        CrlRepository.StoredCrl s = stored.value();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("crl_id", s.crlId());
        out.put("issuer", s.issuerDn());
        out.put("crl_number", s.crlNumber());
        out.put("this_update", s.thisUpdate().toString());
        out.put("next_update", s.nextUpdate() == null ? null : s.nextUpdate().toString());
        out.put("revoked_certificates", s.entries());
        Receipts.respond(ctx, 201, out, stored.receiptId());
    }

    private static Map<String, Object> view(CertificateValidationService.Outcome outcome) {
        ValidationResult r = outcome.result();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("valid", r.valid());
        m.put("reason", r.reason().name());
        m.put("detail", r.detail());
        m.put("path", r.path().stream().map(ValidationRoutes::certificateView).toList());
        m.put("failed_index", r.failedIndex());
        m.put("revocation", Map.of("status", r.revocation().status().wireName(), "source", r.revocation().source().wireName()));
        m.put("trust_anchors", outcome.anchorsFrom());
        m.put("profile", outcome.profile().wireName());
        return m;
    }

    private static Map<String, Object> certificateView(X509Certificate c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("subject", c.getSubjectX500Principal().getName());
        m.put("issuer", c.getIssuerX500Principal().getName());
        m.put("serial", c.getSerialNumber().toString(16));
        m.put("not_after", c.getNotAfter().toInstant().toString());
        try {
            m.put("sha256_fingerprint", Digests.sha256Hex(c.getEncoded()));
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
        return m;
    }

}
