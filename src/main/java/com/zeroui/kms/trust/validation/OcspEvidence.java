package com.zeroui.kms.trust.validation;

import java.io.IOException;
import java.security.Provider;
import java.time.Instant;
import java.util.List;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.CertificateStatus;
import org.bouncycastle.cert.ocsp.OCSPException;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.cert.ocsp.SingleResp;
import org.bouncycastle.operator.DigestCalculatorProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * Stapled OCSP responses (RFC 6960), checked like CRLs. A response counts for a certificate when one
 * of its SingleResponses names the certificate's serial and issuer (name and key hashes). It must be
 * signed by the issuer itself or by a responder certificate it carries that the issuer issued and
 * signed, with extendedKeyUsage id-kp-OCSPSigning, valid at the validation time; signatures follow
 * the algorithm policy. Revoked (at or before the validation time) means revoked, current or not; to
 * say good, thisUpdate ≤ time ≤ nextUpdate. A response in scope that cannot be trusted is
 * {@link ReasonCode#OCSP_INVALID}. The responder certificate's own revocation is not checked (RFC 6960
 * id-pkix-ocsp-nocheck is what responders assert).
 */
final class OcspEvidence {
    private static final DigestCalculatorProvider DIGESTS;

    static {
        try {
            DIGESTS = new JcaDigestCalculatorProviderBuilder().build();
        } catch (OperatorCreationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** One decoded, successful response; {@code index} is its position in the request. */
    record Response(int index, BasicOCSPResp basic) {
    }

    private OcspEvidence() {
    }

    /** Decodes one OCSPResponse; null when its status is not successful (it says nothing about any certificate). */
    static Response parse(byte[] der, int index) {
        OCSPResp response;
        try {
            response = new OCSPResp(der);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("ocsp_responses[" + index + "] is not a DER OCSPResponse");
        }
        if (response.getStatus() != OCSPResp.SUCCESSFUL) {
            return null;
        }
        try {
            if (response.getResponseObject() instanceof BasicOCSPResp basic) {
                return new Response(index, basic);
            }
        } catch (OCSPException | RuntimeException e) {
            // fall through
        }
        throw new IllegalArgumentException("ocsp_responses[" + index + "] is not a basic OCSP response");
    }

    /** The answer of the stapled responses for {@code cert}, or null when none names it. Revoked wins, then good. */
    static RevocationChecker.CertStatus status(List<Response> responses, ParsedCertificate cert, ParsedCertificate issuer,
                                               String who, Instant time, Provider provider) {
        if (responses.isEmpty()) {
            return null;
        }
        X509CertificateHolder issuerHolder = new X509CertificateHolder(issuer.asn1);
        RevocationChecker.CertStatus good = null;
        RevocationChecker.CertStatus problem = null;
        for (Response r : responses) {
            for (SingleResp single : r.basic().getResponses()) {
                if (!single.getCertID().getSerialNumber().equals(cert.serial) || !matchesIssuer(single, issuerHolder)) {
                    continue;
                }
                String what = "OCSP response " + r.index() + " for " + who;
                String untrusted = authenticate(r.basic(), issuer, time, provider);
                if (untrusted != null) {
                    if (problem == null || problem.reason() != ReasonCode.OCSP_INVALID) {
                        problem = new RevocationChecker.CertStatus(RevocationStatus.Status.UNKNOWN, null,
                                ReasonCode.OCSP_INVALID, what + " cannot be trusted: " + untrusted);
                    }
                    continue;
                }
                CertificateStatus status = single.getCertStatus();
                if (status instanceof RevokedStatus revoked && !revoked.getRevocationTime().toInstant().isAfter(time)) {
                    int reason = revoked.hasRevocationReason() ? revoked.getRevocationReason() : -1;
                    return new RevocationChecker.CertStatus(RevocationStatus.Status.REVOKED, RevocationStatus.Source.OCSP,
                            ReasonCode.REVOKED, who + " was revoked at " + revoked.getRevocationTime().toInstant()
                            + " (reason " + ParsedCrl.reasonName(reason) + ", stapled OCSP response " + r.index() + ")");
                }
                if (status != CertificateStatus.GOOD && !(status instanceof RevokedStatus)) {
                    continue; // unknown: the responder does not know the certificate
                }
                Instant thisUpdate = single.getThisUpdate().toInstant();
                Instant nextUpdate = single.getNextUpdate() == null ? null : single.getNextUpdate().toInstant();
                if (time.isBefore(thisUpdate) || nextUpdate == null || time.isAfter(nextUpdate)) {
                    if (problem == null) {
                        problem = new RevocationChecker.CertStatus(RevocationStatus.Status.UNKNOWN, null,
                                ReasonCode.REVOCATION_UNKNOWN, what + " is not current at " + time + " (thisUpdate "
                                + thisUpdate + ", nextUpdate " + (nextUpdate == null ? "absent" : nextUpdate) + ")");
                    }
                    continue;
                }
                good = new RevocationChecker.CertStatus(RevocationStatus.Status.GOOD, RevocationStatus.Source.OCSP,
                        ReasonCode.OK, who + " is not revoked (stapled OCSP response " + r.index() + ")");
            }
        }
        return good != null ? good : problem;
    }

    private static boolean matchesIssuer(SingleResp single, X509CertificateHolder issuer) {
        try {
            return single.getCertID().matchesIssuer(issuer, DIGESTS);
        } catch (OCSPException | RuntimeException e) {
            return false; // a hash we do not know: not a response we can bind to this issuer
        }
    }

    /** Null when the response is signed by the issuer or by a responder the issuer authorised; otherwise why not. */
    private static String authenticate(BasicOCSPResp response, ParsedCertificate issuer, Instant time, Provider provider) {
        try {
            byte[] tbs = response.getTBSResponseData();
            if (AlgorithmPolicy.verifies(response.getSignatureAlgorithmID(), tbs, response.getSignature(),
                    issuer.publicKey(-1, "issuer"), provider)) {
                return null;
            }
            for (X509CertificateHolder holder : response.getCerts()) {
                ParsedCertificate responder = ParsedCertificate.parse(holder.getEncoded(), null, -1, "OCSP responder");
                if (authorisedResponder(responder, issuer, time, provider)
                        && AlgorithmPolicy.verifies(response.getSignatureAlgorithmID(), tbs, response.getSignature(),
                        responder.publicKey(-1, "OCSP responder"), provider)) {
                    return null;
                }
            }
            return "it is signed neither by the issuer nor by a responder certificate the issuer authorised "
                    + "(issued by it, extendedKeyUsage OCSPSigning, current)";
        } catch (ValidationFailure f) {
            return f.getMessage();
        } catch (IOException e) {
            return "a responder certificate does not encode";
        }
    }

    private static boolean authorisedResponder(ParsedCertificate responder, ParsedCertificate issuer, Instant time,
                                               Provider provider) throws ValidationFailure {
        return responder.issuer.equals(issuer.subject)
                && responder.extendedKeyUsage != null && responder.extendedKeyUsage.hasKeyPurposeId(KeyPurposeId.id_kp_OCSPSigning)
                && (responder.keyUsage == null || responder.hasKeyUsage(KeyUsage.digitalSignature))
                && !time.isBefore(responder.notBefore) && !time.isAfter(responder.notAfter)
                && AlgorithmPolicy.verifies(responder.asn1.getSignatureAlgorithm(), responder.tbsDer,
                responder.asn1.getSignature().getOctets(), issuer.publicKey(-1, "issuer"), provider);
    }
}
