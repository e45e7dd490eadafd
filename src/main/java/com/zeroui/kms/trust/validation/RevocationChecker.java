package com.zeroui.kms.trust.validation;

import java.security.Provider;
import java.security.PublicKey;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.DistributionPointName;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.IssuingDistributionPoint;
import org.bouncycastle.asn1.x509.KeyUsage;

/**
 * Revocation for every certificate of a validated path below the trust anchor: the service's own
 * responder status where it is authoritative, stapled OCSP responses ({@link OcspEvidence}) and CRLs
 * (RFC 5280 §6.3, complete and direct CRLs).
 *
 * <p>A CRL counts for a certificate when it is issued under the certificate's issuer name; is in scope
 * (issuingDistributionPoint: user/CA-only flags, distribution point name matching one in the
 * certificate's cRLDistributionPoints, or the issuer's name when the certificate has none); is
 * signed either by the issuer's key, the issuer's keyUsage (when present) having cRLSign, or by a delegated CRL signer:
 * a certificate from the bag with the issuer's name, issued by the issuer, valid, with cRLSign;
 * carries a CRL number and a nextUpdate; and, to say "good", is current (thisUpdate ≤ time ≤ nextUpdate).
 * An authentic CRL that lists the serial (revoked at or before the validation time) means revoked,
 * current or not. CRLs limited to some reasons can revoke but not vouch. The delegated signer's own
 * revocation is not checked.
 */
final class RevocationChecker {

    /** The outcome for a path; {@code failure} is null when the path is acceptable under the mode. */
    record PathRevocation(RevocationStatus status, ValidationFailure failure, String note) {
    }

    /** Where revocation answers come from: CRLs, stapled OCSP responses, the service's own responder. */
    record Evidence(List<ParsedCrl> crls, List<OcspEvidence.Response> ocsp, ResponderStatus responder,
                    List<ParsedCertificate> bag) {
    }

    private enum Scope { OUT, COMPLETE, PARTIAL }

    /** One certificate's answer; {@code source} is null when nothing answered. */
    record CertStatus(RevocationStatus.Status status, RevocationStatus.Source source, ReasonCode reason, String detail) {
        boolean unusableEvidence() {
            return reason == ReasonCode.CRL_INVALID || reason == ReasonCode.OCSP_INVALID;
        }
    }

    private RevocationChecker() {
    }

    /**
     * Revoked anywhere is a failure in every mode; evidence that cannot be trusted (an invalid CRL or
     * OCSP response in scope) with no usable answer beside it is a failure in every mode too; no
     * answer (or only stale ones) is a failure only when revocation is required.
     */
    static PathRevocation check(List<ParsedCertificate> path, Evidence evidence, Instant time, RevocationMode mode,
                                Provider provider) {
        RevocationStatus.Source source = null;
        CertStatus firstUnknown = null;
        int firstUnknownIndex = -1;
        for (int i = 0; i < path.size() - 1; i++) {
            CertStatus s = status(path.get(i), path.get(i + 1), i, evidence, time, provider);
            if (s.status() == RevocationStatus.Status.REVOKED) {
                return new PathRevocation(new RevocationStatus(RevocationStatus.Status.REVOKED, s.source()),
                        new ValidationFailure(ReasonCode.REVOKED, i, s.detail()), s.detail());
            }
            if (source == null) {
                source = s.source(); // the leaf's source when it has one: the answer a caller cares most about
            }
            if (s.status() == RevocationStatus.Status.UNKNOWN && (firstUnknown == null
                    || s.unusableEvidence() && !firstUnknown.unusableEvidence())) {
                firstUnknown = s;
                firstUnknownIndex = i;
            }
        }
        RevocationStatus.Source pathSource = source == null ? RevocationStatus.Source.NONE : source;
        if (firstUnknown == null) {
            return new PathRevocation(new RevocationStatus(RevocationStatus.Status.GOOD, pathSource), null, "revocation good");
        }
        RevocationStatus unknown = new RevocationStatus(RevocationStatus.Status.UNKNOWN, pathSource);
        if (mode == RevocationMode.REQUIRE || firstUnknown.unusableEvidence()) {
            return new PathRevocation(unknown,
                    new ValidationFailure(firstUnknown.reason(), firstUnknownIndex, firstUnknown.detail()),
                    firstUnknown.detail());
        }
        return new PathRevocation(unknown, null, "revocation unknown: " + firstUnknown.detail());
    }

    /**
     * The service's own responder, when authoritative for the issuer, decides alone (it is the store the
     * CRLs are made from). Otherwise stapled OCSP and CRLs are both consulted: revoked by either wins,
     * then good by either, then the worst problem.
     */
    private static CertStatus status(ParsedCertificate cert, ParsedCertificate issuer, int index, Evidence evidence,
                                     Instant time, Provider provider) {
        String who = PathValidator.who(cert, index);
        if (evidence.responder() != null) {
            Optional<ResponderStatus.Answer> answer = evidence.responder().status(issuer.spkiDer(), cert.serial);
            if (answer.isPresent()) {
                ResponderStatus.Answer a = answer.get();
                if (a.revoked() && !a.revokedAt().isAfter(time)) {
                    return new CertStatus(RevocationStatus.Status.REVOKED, RevocationStatus.Source.OCSP, ReasonCode.REVOKED,
                            who + " was revoked at " + a.revokedAt() + " (reason " + ParsedCrl.reasonName(a.crlReason())
                                    + ", this service's OCSP responder)");
                }
                return new CertStatus(RevocationStatus.Status.GOOD, RevocationStatus.Source.OCSP, ReasonCode.OK,
                        who + " is not revoked (this service's OCSP responder)");
            }
        }
        CertStatus ocsp = OcspEvidence.status(evidence.ocsp(), cert, issuer, who, time, provider);
        if (ocsp != null && ocsp.status() == RevocationStatus.Status.REVOKED) {
            return ocsp;
        }
        CertStatus crl = crlStatus(cert, issuer, who, evidence.crls(), evidence.bag(), time, provider);
        if (crl.status() == RevocationStatus.Status.REVOKED) {
            return crl;
        }
        if (ocsp != null && ocsp.status() == RevocationStatus.Status.GOOD) {
            return ocsp;
        }
        if (crl.status() == RevocationStatus.Status.GOOD) {
            return crl;
        }
        if (ocsp != null && (ocsp.unusableEvidence() || crl.source() == null && !crl.unusableEvidence())) {
            return ocsp;
        }
        return crl;
    }

    private static CertStatus crlStatus(ParsedCertificate cert, ParsedCertificate issuer, String who, List<ParsedCrl> crls,
                                        List<ParsedCertificate> bag, Instant time, Provider provider) {
        ReasonCode problemReason = null;
        String problem = null;
        boolean good = false;
        for (ParsedCrl crl : crls) {
            if (!crl.issuer.equals(cert.issuer)) {
                continue;
            }
            Scope scope = crl.problem == null ? scope(crl, cert) : Scope.COMPLETE;
            if (scope == Scope.OUT) {
                continue;
            }
            if (crl.problem == null && ofAnotherKey(crl, issuer, bag)) {
                continue; // another CA's list under the same name: says nothing about this certificate
            }
            String rejected = crl.problem;
            if (rejected == null) {
                rejected = signatureProblem(crl, issuer, bag, time, provider);
            }
            if (rejected != null) {
                if (problemReason != ReasonCode.CRL_INVALID) { // an untrustworthy CRL outranks a stale one
                    problemReason = ReasonCode.CRL_INVALID;
                    problem = "the CRL of " + crl.issuer + " for " + who + " is unusable: " + rejected;
                }
                continue;
            }
            ParsedCrl.Entry entry = crl.entry(cert.serial);
            if (entry != null && !entry.revocationDate().isAfter(time)) {
                return new CertStatus(RevocationStatus.Status.REVOKED, RevocationStatus.Source.CRL, ReasonCode.REVOKED,
                        who + " was revoked at " + entry.revocationDate() + " (reason " + ParsedCrl.reasonName(entry.reason())
                                + ", CRL number " + crl.crlNumber + ")");
            }
            if (time.isBefore(crl.thisUpdate) || time.isAfter(crl.nextUpdate)) {
                if (problem == null) {
                    problemReason = ReasonCode.CRL_EXPIRED;
                    problem = "the CRL of " + crl.issuer + " for " + who + " is not current at " + time + " (thisUpdate "
                            + crl.thisUpdate + ", nextUpdate " + crl.nextUpdate + ")";
                }
                continue;
            }
            if (scope == Scope.COMPLETE) {
                good = true;
            }
        }
        if (good) {
            return new CertStatus(RevocationStatus.Status.GOOD, RevocationStatus.Source.CRL, ReasonCode.OK, who + " is not revoked");
        }
        if (problem != null) {
            return new CertStatus(RevocationStatus.Status.UNKNOWN, null, problemReason, problem);
        }
        return new CertStatus(RevocationStatus.Status.UNKNOWN, null, ReasonCode.REVOCATION_UNKNOWN,
                "no usable CRL from " + cert.issuer + " covers " + who);
    }

    /** The CRL's authorityKeyIdentifier names neither the issuer's key nor that of a certificate in the bag. */
    private static boolean ofAnotherKey(ParsedCrl crl, ParsedCertificate issuer, List<ParsedCertificate> bag) {
        if (crl.authorityKeyId == null || issuer.subjectKeyId == null || Arrays.equals(crl.authorityKeyId, issuer.subjectKeyId)) {
            return false;
        }
        for (ParsedCertificate c : bag) {
            if (c.subjectKeyId != null && Arrays.equals(crl.authorityKeyId, c.subjectKeyId)) {
                return false;
            }
        }
        return true;
    }

    /** RFC 5280 §6.3.3 (b) for complete, direct CRLs. */
    private static Scope scope(ParsedCrl crl, ParsedCertificate cert) {
        IssuingDistributionPoint idp = crl.issuingDistributionPoint;
        if (idp == null) {
            return Scope.COMPLETE;
        }
        if (idp.onlyContainsAttributeCerts()
                || idp.onlyContainsUserCerts() && cert.isCa()
                || idp.onlyContainsCACerts() && !cert.isCa()) {
            return Scope.OUT;
        }
        DistributionPointName idpName = idp.getDistributionPoint();
        if (idpName != null) {
            if (idpName.getType() != DistributionPointName.FULL_NAME) {
                return Scope.OUT; // names relative to the CRL issuer are not supported
            }
            GeneralName[] crlNames = GeneralNames.getInstance(idpName.getName()).getNames();
            if (!distributionPointMatches(crlNames, cert)) {
                return Scope.OUT;
            }
        }
        return idp.getOnlySomeReasons() == null ? Scope.COMPLETE : Scope.PARTIAL;
    }

    private static boolean distributionPointMatches(GeneralName[] crlNames, ParsedCertificate cert) {
        if (cert.crlDistributionPoints == null) {
            // no distribution point in the certificate: the CRL must name the issuer itself
            return containsAny(crlNames, new GeneralName[] {new GeneralName(cert.issuer)});
        }
        for (DistributionPoint dp : cert.crlDistributionPoints.getDistributionPoints()) {
            DistributionPointName name = dp.getDistributionPoint();
            if (name != null && name.getType() == DistributionPointName.FULL_NAME) {
                if (containsAny(crlNames, GeneralNames.getInstance(name.getName()).getNames())) {
                    return true;
                }
            } else if (name == null && dp.getCRLIssuer() != null && containsAny(crlNames, dp.getCRLIssuer().getNames())) {
                return true;
            }
        }
        return false;
    }

    private static boolean containsAny(GeneralName[] a, GeneralName[] b) {
        for (GeneralName x : a) {
            for (GeneralName y : b) {
                if (x.getTagNo() == y.getTagNo() && (x.getTagNo() == GeneralName.directoryName
                        ? X500Name.getInstance(x.getName()).equals(X500Name.getInstance(y.getName()))
                        : x.equals(y))) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Null when the CRL is authentic; otherwise why not. */
    private static String signatureProblem(ParsedCrl crl, ParsedCertificate issuer, List<ParsedCertificate> bag,
                                           Instant time, Provider provider) {
        try {
            boolean akiFitsIssuer = crl.authorityKeyId == null || issuer.subjectKeyId == null
                    || Arrays.equals(crl.authorityKeyId, issuer.subjectKeyId);
            String issuerProblem = null;
            if (akiFitsIssuer) {
                PublicKey issuerKey = issuer.publicKey(-1, "issuer");
                if (crl.signedBy(issuerKey, provider)) {
                    if (issuer.keyUsage == null || issuer.hasKeyUsage(KeyUsage.cRLSign)) { // §6.3.3 (f): only when present
                        return null;
                    }
                    issuerProblem = "it is signed by " + issuer.describe() + ", whose keyUsage lacks cRLSign";
                }
            }
            for (ParsedCertificate signer : bag) {
                if (isDelegatedSigner(signer, issuer, crl, time, provider)
                        && crl.signedBy(signer.publicKey(-1, "CRL signer"), provider)) {
                    return null;
                }
            }
            return issuerProblem != null ? issuerProblem
                    : "its signature verifies neither with the issuer's key nor with a delegated CRL signer's";
        } catch (ValidationFailure f) {
            return f.getMessage();
        }
    }

    /** Same name as the issuer, another key, issued and signed by the issuer, current, with cRLSign. */
    private static boolean isDelegatedSigner(ParsedCertificate signer, ParsedCertificate issuer, ParsedCrl crl,
                                             Instant time, Provider provider) throws ValidationFailure {
        if (!signer.subject.equals(crl.issuer) || !signer.issuer.equals(issuer.subject) || signer.sameSubjectAndKey(issuer)
                || !signer.hasKeyUsage(KeyUsage.cRLSign) || !signer.unprocessedCritical.isEmpty()
                || time.isBefore(signer.notBefore) || time.isAfter(signer.notAfter)) {
            return false;
        }
        if (crl.authorityKeyId != null && signer.subjectKeyId != null
                && !Arrays.equals(crl.authorityKeyId, signer.subjectKeyId)) {
            return false;
        }
        return AlgorithmPolicy.verifies(signer.asn1.getSignatureAlgorithm(), signer.tbsDer,
                signer.asn1.getSignature().getOctets(), issuer.publicKey(-1, "issuer"), provider);
    }
}
