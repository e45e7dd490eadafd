package com.zeroui.kms.trust.pki;

import com.zeroui.kms.error.ErrorCode;
import com.zeroui.kms.error.KmsException;
import com.zeroui.kms.trust.InternalCa;
import java.io.IOException;
import java.math.BigInteger;
import java.security.cert.CertificateEncodingException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1GeneralizedTime;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.ocsp.RevokedInfo;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.BasicOCSPRespBuilder;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.CertificateStatus;
import org.bouncycastle.cert.ocsp.OCSPException;
import org.bouncycastle.cert.ocsp.OCSPReq;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.OCSPRespBuilder;
import org.bouncycastle.cert.ocsp.Req;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.cert.ocsp.UnknownStatus;
import org.bouncycastle.cert.ocsp.jcajce.JcaBasicOCSPRespBuilder;
import org.bouncycastle.operator.DigestCalculatorProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OCSP responder (RFC 6960) for certificates of the issuing CA, signing with a delegated
 * responder certificate. Every answer is an OCSPResponse: protocol errors are malformedRequest,
 * tryLater (store unavailable) or internalError, never an HTTP error. Per certificate: good,
 * revoked (time and reason) or unknown (never issued by this CA, or by another issuer). A
 * request nonce (RFC 8954: 1–32 octets) is echoed.
 */
public final class OcspResponder {
    private static final Logger LOG = LoggerFactory.getLogger(OcspResponder.class);
    /** How long an answer may be cached by relying parties (nextUpdate - thisUpdate). */
    public static final Duration RESPONSE_VALIDITY = Duration.ofHours(1);
    static final int MAX_CERTIFICATES_PER_REQUEST = 32;
    private static final int MAX_NONCE_OCTETS = 32;

    private final CertificateStore store;
    private final OcspSigningKey signingKey;
    private final X509CertificateHolder issuing;
    private final DigestCalculatorProvider digests;
    private final Clock clock;

    public OcspResponder(CertificateStore store, OcspSigningKey signingKey, InternalCa ca, Clock clock) {
        this.store = store;
        this.signingKey = signingKey;
        this.clock = clock;
        try {
            this.issuing = new JcaX509CertificateHolder(ca.issuing());
            this.digests = new JcaDigestCalculatorProviderBuilder().build();
        } catch (CertificateEncodingException | OperatorCreationException e) {
            throw new IllegalStateException("cannot set up the OCSP responder", e);
        }
    }

    /** The DER OCSPResponse to a DER OCSPRequest. */
    public byte[] respond(byte[] requestDer) {
        OCSPReq request;
        try {
            request = new OCSPReq(requestDer);
        } catch (IOException | RuntimeException e) {
            return status(OCSPRespBuilder.MALFORMED_REQUEST);
        }
        Req[] certificates = request.getRequestList();
        Extension nonce = request.getExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce);
        if (certificates.length == 0 || certificates.length > MAX_CERTIFICATES_PER_REQUEST || !acceptableNonce(nonce)) {
            return status(OCSPRespBuilder.MALFORMED_REQUEST);
        }
        try {
            OcspSigningKey.Credential signer = signingKey.current();
            Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
            BasicOCSPRespBuilder builder = new JcaBasicOCSPRespBuilder(signer.certificate().getPublicKey(),
                    digests.get(CertificateID.HASH_SHA1)); // ResponderID byKey: SHA-1 of the key, as RFC 6960 defines it
            for (Req one : certificates) {
                builder.addResponse(one.getCertID(), statusOf(one.getCertID()), Date.from(now),
                        Date.from(now.plus(RESPONSE_VALIDITY)), null);
            }
            if (nonce != null) {
                builder.setResponseExtensions(new Extensions(nonce));
            }
            BasicOCSPResp basic = builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.privateKey()),
                    new X509CertificateHolder[] {new JcaX509CertificateHolder(signer.certificate())}, Date.from(now));
            return new OCSPRespBuilder().build(OCSPRespBuilder.SUCCESSFUL, basic).getEncoded();
        } catch (KmsException e) {
            LOG.warn("OCSP: cannot answer ({}): {}", e.code(), e.getMessage());
            return status(e.code() == ErrorCode.DEPENDENCY_UNAVAILABLE ? OCSPRespBuilder.TRY_LATER : OCSPRespBuilder.INTERNAL_ERROR);
        } catch (OCSPException | OperatorCreationException | CertificateEncodingException | IOException | RuntimeException e) {
            LOG.error("OCSP: answering internalError", e);
            return status(OCSPRespBuilder.INTERNAL_ERROR);
        }
    }

    private static boolean acceptableNonce(Extension nonce) {
        if (nonce == null) {
            return true;
        }
        try {
            int length = ASN1OctetString.getInstance(nonce.getParsedValue()).getOctets().length;
            return length >= 1 && length <= MAX_NONCE_OCTETS;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private CertificateStatus statusOf(CertificateID id) {
        if (!issuedByIssuingCa(id)) {
            return new UnknownStatus();
        }
        BigInteger serial = id.getSerialNumber();
        Optional<CertificateRecord> found = serial.signum() > 0 ? store.find(serial.toString(16)) : Optional.empty();
        if (found.isEmpty() || !InternalCa.ISSUING_ID.equals(found.get().caId())) {
            return new UnknownStatus();
        }
        CertificateRecord record = found.get();
        if (!record.revoked()) {
            return CertificateStatus.GOOD;
        }
        RevocationReason reason = record.revocationReason();
        return new RevokedStatus(new RevokedInfo(new ASN1GeneralizedTime(Date.from(record.revokedAt())),
                reason == null || reason == RevocationReason.UNSPECIFIED ? null : CRLReason.lookup(reason.code())));
    }

    /** Whether the CertID's issuer name and key hashes (in whatever hash it uses) are the issuing CA's. */
    private boolean issuedByIssuingCa(CertificateID id) {
        try {
            return id.matchesIssuer(issuing, digests);
        } catch (OCSPException | RuntimeException e) {
            return false; // a hash algorithm we do not know: not an issuer we can answer for
        }
    }

    private static byte[] status(int status) {
        try {
            OCSPResp response = new OCSPRespBuilder().build(status, null);
            return response.getEncoded();
        } catch (OCSPException | IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
