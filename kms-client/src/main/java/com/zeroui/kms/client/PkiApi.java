package com.zeroui.kms.client;

import com.zeroui.kms.client.Transport.Repeat;
import com.zeroui.kms.client.model.Certificate;
import com.zeroui.kms.client.model.CertificatePage;
import com.zeroui.kms.client.model.IngestedCrl;
import com.zeroui.kms.client.model.ValidationResult;
import java.util.List;
import java.util.Map;

/** The internal CA (certificates from CSRs, revocation, CRL, OCSP) and strict chain validation. */
public final class PkiApi {
    private final Transport http;

    PkiApi(Transport http) {
        this.http = http;
    }

    /** {@code profile}: client or server (null: client); {@code ttl} an ISO-8601 duration or null. */
    public Certificate issue(String csrPem, String profile, String ttl) {
        Body body = Body.empty().put("csr", csrPem).put("profile", profile).put("ttl", ttl);
        return http.post("/certificates", body.map(), Certificate.class, Repeat.ONLY_IF_REFUSED);
    }

    public Certificate get(String serial) {
        return http.get("/certificates/" + Transport.segment(serial), Map.of(), Certificate.class);
    }

    /** {@code filters}: status, subject, expiring_before, limit, cursor. */
    public CertificatePage list(Map<String, ?> filters) {
        return http.get("/certificates", filters, CertificatePage.class);
    }

    /** {@code reason}: an RFC 5280 CRLReason name such as keyCompromise (null: unspecified). */
    public Certificate revoke(String serial, String reason) {
        return http.post("/certificates/" + Transport.segment(serial) + "/revoke", Body.empty().put("reason", reason).map(),
                Certificate.class, Repeat.SAFE);
    }

    /** The CA's current CRL, DER. */
    public byte[] crl(String caId) {
        return http.exchangeBytes("GET", "/ca/" + Transport.segment(caId) + "/crl", null, null, "application/pkix-crl");
    }

    /** An OCSP response (DER) for a DER OCSP request. */
    public byte[] ocsp(byte[] request) {
        return http.exchangeBytes("POST", "/ocsp", "application/ocsp-request", request, "application/ocsp-response");
    }

    /** Stores an external CA's CRL (PEM or base64 DER); admins only. */
    public IngestedCrl ingestCrl(String crl) {
        return http.post("/crls", Body.empty().put("crl", crl).map(), IngestedCrl.class, Repeat.SAFE);
    }

    /**
     * Validates {@code chain} (leaf PEM first). {@code options} holds the request's other fields as the API
     * names them: tenant_id, plane, purpose, validation_time, hostname, trust_anchors, crls, revocation.
     */
    public ValidationResult validate(List<String> chain, Map<String, ?> options) {
        Body body = Body.empty().put("chain", chain);
        if (options != null) {
            options.forEach(body::put);
        }
        return http.post("/certificates/validate", body.map(), ValidationResult.class, Repeat.SAFE);
    }
}
