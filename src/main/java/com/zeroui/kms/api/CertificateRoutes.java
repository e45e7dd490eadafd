package com.zeroui.kms.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.zeroui.kms.audit.Audited;
import com.zeroui.kms.crypto.Pem;
import com.zeroui.kms.error.KmsException;
import com.zeroui.kms.trust.pki.CertificateProfile;
import com.zeroui.kms.trust.pki.CertificateRecord;
import com.zeroui.kms.trust.pki.CertificateService;
import com.zeroui.kms.trust.pki.RevocationReason;
import com.zeroui.kms.trust.pki.SigningRequest;
import io.javalin.http.Context;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** POST /certificates, GET /certificates, GET /certificates/{serial}, POST /certificates/{serial}/revoke. */
final class CertificateRoutes {
    private static final Set<String> ENROLL_FIELDS = Set.of("csr", "profile", "ttl");
    private static final Set<String> REVOKE_FIELDS = Set.of("reason");
    private static final Set<String> LIST_PARAMS = Set.of("status", "subject", "expiring_before", "limit", "cursor");
    private static final List<String> STATUSES = java.util.Arrays.stream(CertificateRecord.Status.values())
            .map(CertificateRecord.Status::apiName).toList();

    private final CertificateService certificates;
    private final ObjectMapper mapper;

    CertificateRoutes(CertificateService certificates, ObjectMapper mapper) {
        this.certificates = certificates;
        this.mapper = mapper;
    }

    void enroll(Context ctx) {
        JsonRequest body = JsonRequest.parse(ctx, mapper, ENROLL_FIELDS);
        String csr = body.requiredString("csr", SigningRequest.MAX_PEM_CHARS);
        CertificateProfile profile = body.optionalEnum("profile", name -> CertificateProfile.fromApiName(name)
                .filter(p -> CertificateProfile.ENROLLABLE.contains(p.apiName())), CertificateProfile.ENROLLABLE)
                .orElse(CertificateProfile.CLIENT);
        Duration ttl = body.optionalString("ttl", 64).map(CertificateRoutes::duration).orElse(null);
        Audited<CertificateService.Issued> issued = certificates.enroll(Callers.of(ctx), csr, profile, ttl);
        Map<String, Object> view = view(issued.value().record());
        view.put("chain", issued.value().chain().stream().map(Pem::certificate).toList());
        Receipts.respond(ctx, 201, view, issued.receiptId());
    }

    void get(Context ctx) {
        QueryParams.rejectUnknown(ctx, Set.of());
        String serial = CertificateService.parseSerial(ctx.pathParam("serial"));
        Audited<CertificateRecord> found = certificates.get(Callers.of(ctx), serial);
        Receipts.respond(ctx, 200, view(found.value()), found.receiptId());
    }

    void list(Context ctx) {
        QueryParams.rejectUnknown(ctx, LIST_PARAMS);
        CertificateRecord.Status status = QueryParams.optionalEnum(ctx, "status", CertificateRecord.Status::fromApiName, STATUSES);
        Instant expiringBefore = QueryParams.optional(ctx, "expiring_before").map(v -> {
            try {
                return Instant.parse(v);
            } catch (DateTimeParseException e) {
                throw KmsException.invalid("expiring_before", "expiring_before must be an ISO-8601 instant such as 2025-01-31T00:00:00Z");
            }
        }).orElse(null);
        Integer limit = QueryParams.optional(ctx, "limit").map(v -> {
            try {
                return Integer.parseInt(v);
            } catch (NumberFormatException e) {
                throw KmsException.invalid("limit", "limit must be an integer between 1 and " + CertificateService.MAX_PAGE);
            }
        }).orElse(null);
        Audited<CertificateService.Page> page = certificates.list(Callers.of(ctx), new CertificateService.ListRequest(status,
                QueryParams.optional(ctx, "subject").orElse(null), expiringBefore, limit,
                QueryParams.optional(ctx, "cursor").orElse(null)));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("certificates", page.value().certificates().stream().map(this::view).toList());
        body.put("next_cursor", page.value().nextCursor());
        Receipts.respond(ctx, 200, body, page.receiptId());
    }

    void revoke(Context ctx) {
        String serial = CertificateService.parseSerial(ctx.pathParam("serial"));
        JsonRequest body = JsonRequest.parse(ctx, mapper, REVOKE_FIELDS);
        RevocationReason reason = body.optionalEnum("reason", RevocationReason::fromApiName, RevocationReason.NAMES)
                .orElse(RevocationReason.UNSPECIFIED);
        Audited<CertificateRecord> revoked = certificates.revoke(Callers.of(ctx), serial, reason);
        Receipts.respond(ctx, 200, view(revoked.value()), revoked.receiptId());
    }

    private Map<String, Object> view(CertificateRecord c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("serial", c.serial());
        m.put("ca_id", c.caId());
        m.put("subject", c.subject());
        m.put("profile", c.profile());
        m.put("status", c.status(Instant.now()).apiName());
        m.put("not_before", c.notBefore().toString());
        m.put("not_after", c.notAfter().toString());
        m.put("issued_at", c.issuedAt().toString());
        m.put("requested_by", c.requestedBy());
        m.put("key_algorithm", c.keyAlgorithm());
        m.put("revoked_at", c.revokedAt() == null ? null : c.revokedAt().toString());
        m.put("revocation_reason", c.revocationReason() == null ? null : c.revocationReason().apiName());
        m.put("certificate", c.certificatePem());
        return m;
    }

    private static Duration duration(String value) {
        try {
            return Duration.parse(value);
        } catch (DateTimeParseException e) {
            throw KmsException.invalid("ttl", "ttl must be an ISO-8601 duration such as P30D or PT12H");
        }
    }
}
