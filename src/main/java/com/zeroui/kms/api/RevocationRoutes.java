package com.zeroui.kms.api;

import com.zeroui.kms.crypto.Pem;
import com.zeroui.kms.error.ErrorCode;
import com.zeroui.kms.error.KmsException;
import com.zeroui.kms.trust.pki.CertificateStore;
import com.zeroui.kms.trust.pki.CrlPublisher;
import com.zeroui.kms.trust.pki.OcspResponder;
import io.javalin.http.Context;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * GET /ca/{ca_id}/crl, POST /ocsp, GET /ocsp/{ocsp_request}: revocation status for relying parties,
 * answered without a client certificate and without receipts (public, signed data; an anonymous
 * request must never grow the receipt log).
 */
final class RevocationRoutes {
    static final String CRL_DER = "application/pkix-crl";
    static final String PEM = "application/x-pem-file";
    static final String OCSP_REQUEST = "application/ocsp-request";
    static final String OCSP_RESPONSE = "application/ocsp-response";
    private static final List<String> FORMATS = List.of("der", "pem");

    private final CrlPublisher crls;
    private final OcspResponder ocsp;

    RevocationRoutes(CrlPublisher crls, OcspResponder ocsp) {
        this.crls = crls;
        this.ocsp = ocsp;
    }

    /** DER (application/pkix-crl, RFC 5280 §4.2.1.13) unless {@code ?format=pem} or {@code Accept: application/x-pem-file}. */
    void crl(Context ctx) {
        QueryParams.rejectUnknown(ctx, Set.of("format"));
        String format = QueryParams.optionalEnum(ctx, "format", f -> FORMATS.contains(f) ? java.util.Optional.of(f)
                : java.util.Optional.empty(), FORMATS);
        if (format == null) {
            String accept = ctx.header("Accept");
            format = accept != null && accept.toLowerCase(Locale.ROOT).contains(PEM) ? "pem" : "der";
        }
        CertificateStore.SignedCrl crl = crls.current(ctx.pathParam("ca_id"));
        ctx.header("Last-Modified", java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME
                .format(crl.thisUpdate().atZone(java.time.ZoneOffset.UTC)));
        if (format.equals("pem")) {
            ctx.contentType(PEM).result(Pem.encode("X509 CRL", crl.der()));
        } else {
            ctx.contentType(CRL_DER).result(crl.der());
        }
    }

    /** RFC 6960 Appendix A.1: the DER request as the body. */
    void ocspPost(Context ctx) {
        String contentType = ctx.contentType();
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).replace(" ", "").matches(OCSP_REQUEST + "(;.*)?")) {
            throw new KmsException(ErrorCode.INVALID_REQUEST, 415, "Content-Type must be " + OCSP_REQUEST,
                    Map.of("content_type", contentType == null ? "" : contentType), null);
        }
        answer(ctx, ocsp.respond(ctx.bodyAsBytes()));
    }

    /** RFC 6960 Appendix A.1: the base64 DER request, URL-encoded, as the last path segment(s). */
    void ocspGet(Context ctx) {
        OpsRoutes.requireNoBody(ctx);
        byte[] request;
        try {
            request = Base64.getDecoder().decode(ctx.pathParam("ocsp_request"));
        } catch (IllegalArgumentException e) {
            request = new byte[0]; // not base64: answered as malformedRequest, like any undecodable request
        }
        answer(ctx, ocsp.respond(request));
    }

    private static void answer(Context ctx, byte[] response) {
        ctx.contentType(OCSP_RESPONSE).result(response);
    }
}
