package com.zeroui.kms.trust.validation;

import java.math.BigInteger;
import java.security.Provider;
import java.security.PublicKey;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;

/**
 * RFC 5280 §6.1 basic path validation of one candidate path, plus the profile rules RFC 5280 puts on
 * conforming CAs that the JDK's validator leaves out. The path is leaf first, trust anchor last; it is
 * processed from the anchor down, and the first failed check is thrown.
 *
 * <p>Per certificate, in order: encoding (serial, matching signature algorithms, AKI/SKI not critical)
 * → signature algorithm and signature → validity → unprocessed critical extensions → key algorithm →
 * AKI/SKI → basicConstraints and path length → keyUsage → extendedKeyUsage → name constraints.
 *
 * <p>The trust anchor is a certificate, and it is held to the CA rules too (basicConstraints present,
 * critical, cA; keyCertSign when keyUsage is present; subjectKeyIdentifier; an authorityKeyIdentifier
 * unless self-signed; no unprocessed critical extension; validity; key strength), but not to the serial
 * number rules (it is trusted by configuration); its pathLenConstraint and nameConstraints bind the path
 * (as RFC 5937 describes). Its own self-signature is not checked: nothing rests on it. keyUsage is
 * checked only when present (§6.1.4 (n)); purpose-based keyUsage rules are the webpki profile's.
 */
final class PathValidator {
    private static final int SERIAL_MAX_OCTETS = 20;

    private PathValidator() {
    }

    static void validate(List<ParsedCertificate> path, Purpose purpose, Instant time, Provider provider)
            throws ValidationFailure {
        validate(path, purpose, time, provider, null);
    }

    /** @param maxIntermediates the caller's limit on CA certificates between leaf and anchor, or null */
    static void validate(List<ParsedCertificate> path, Purpose purpose, Instant time, Provider provider,
                         Integer maxIntermediates) throws ValidationFailure {
        int anchorIndex = path.size() - 1;
        ParsedCertificate anchor = path.get(anchorIndex);
        checkAnchor(anchor, anchorIndex, time, purpose, provider);
        if (anchorIndex == 0) {
            return; // the presented certificate is itself a trust anchor
        }
        int intermediates = anchorIndex - 1;
        if (maxIntermediates != null && intermediates > maxIntermediates) {
            throw new ValidationFailure(ReasonCode.PATH_LENGTH_EXCEEDED, 1, "the path has " + intermediates
                    + " intermediate certificates; the request's max_path_length allows " + maxIntermediates);
        }
        PublicKey workingKey = anchor.publicKey(anchorIndex, who(anchor, anchorIndex));
        X500Name workingIssuer = anchor.subject;
        int maxPathLength = anchor.basicConstraints.getPathLenConstraint() == null
                ? Integer.MAX_VALUE : anchor.basicConstraints.getPathLenConstraint().intValueExact();
        NameConstraintChecker names = new NameConstraintChecker();
        names.add(anchor, anchorIndex);

        for (int i = anchorIndex - 1; i >= 0; i--) {
            ParsedCertificate cert = path.get(i);
            ParsedCertificate issuer = path.get(i + 1);
            boolean leaf = i == 0;
            String who = who(cert, i);

            checkEncoding(cert, i, who);
            if (!cert.issuer.equals(workingIssuer)) {
                throw new ValidationFailure(ReasonCode.PATH_NOT_FOUND, i,
                        who + " names issuer " + cert.issuer + ", not " + workingIssuer);
            }
            AlgorithmPolicy.verify(cert.asn1.getSignatureAlgorithm(), cert.tbsDer, cert.asn1.getSignature().getOctets(),
                    workingKey, provider, i, who);
            checkValidity(cert, i, who, time);
            checkCriticalExtensions(cert, i, who);
            PublicKey key = cert.publicKey(i, who);
            checkKeyIdentifiers(cert, issuer, i, who, provider);

            if (!leaf) {
                checkCa(cert, i, who);
                if (!cert.selfIssued) {
                    if (maxPathLength <= 0) {
                        throw new ValidationFailure(ReasonCode.PATH_LENGTH_EXCEEDED, i, who
                                + " is a CA below an issuer whose pathLenConstraint allows no further CA");
                    }
                    maxPathLength--;
                }
                BigInteger pathLen = cert.basicConstraints.getPathLenConstraint();
                if (pathLen != null && pathLen.compareTo(BigInteger.valueOf(maxPathLength)) < 0) {
                    maxPathLength = pathLen.intValueExact();
                }
                checkIssuerEku(cert, i, who, purpose);
                // RFC 5280 6.1.3 (b), (c): self-issued intermediates are exempt from name constraints
                if (!cert.selfIssued) {
                    names.check(cert, i, false);
                }
                names.add(cert, i);
                workingKey = key;
                workingIssuer = cert.subject;
            } else {
                checkLeaf(cert, i, who, purpose);
                names.check(cert, i, true);
            }
        }
    }

    /** The anchor is trusted by configuration: its serial number is not judged, the rest of the CA rules are. */
    private static void checkAnchor(ParsedCertificate anchor, int index, Instant time, Purpose purpose, Provider provider)
            throws ValidationFailure {
        String who = "trust anchor (" + anchor.describe() + ")";
        checkStructure(anchor, index, who);
        checkValidity(anchor, index, who, time);
        checkCriticalExtensions(anchor, index, who);
        anchor.publicKey(index, who);
        if (anchor.authorityKeyId == null && !anchor.isSelfSigned(provider)) {
            throw new ValidationFailure(ReasonCode.MISSING_AKI, index,
                    who + " is not self-signed and has no authorityKeyIdentifier");
        }
        checkCa(anchor, index, who);
        checkIssuerEku(anchor, index, who, purpose);
    }

    private static void checkEncoding(ParsedCertificate cert, int index, String who) throws ValidationFailure {
        checkSerial(cert, index, who);
        if (cert.issuer.getRDNs().length == 0) {
            throw new ValidationFailure(ReasonCode.MALFORMED, index, who + " has an empty issuer name (RFC 5280 §4.1.2.4)");
        }
        checkStructure(cert, index, who);
    }

    private static void checkSerial(ParsedCertificate cert, int index, String who) throws ValidationFailure {
        BigInteger serial = cert.serial;
        if (serial.signum() <= 0) {
            throw new ValidationFailure(ReasonCode.INVALID_SERIAL, index, who + " has a serial number that is not positive");
        }
        if (serial.toByteArray().length > SERIAL_MAX_OCTETS) {
            throw new ValidationFailure(ReasonCode.INVALID_SERIAL, index,
                    who + " has a serial number of " + serial.toByteArray().length + " octets; at most 20 are allowed");
        }
    }

    private static void checkStructure(ParsedCertificate cert, int index, String who) throws ValidationFailure {
        if (!cert.asn1.getSignatureAlgorithm().equals(cert.asn1.getTBSCertificate().getSignature())) {
            throw new ValidationFailure(ReasonCode.MALFORMED, index,
                    who + " names different signature algorithms inside and outside the signed part");
        }
        if (cert.asn1.getSignature().getPadBits() != 0) {
            throw new ValidationFailure(ReasonCode.MALFORMED, index, who + " has a signature that is not whole octets");
        }
        if (cert.authorityKeyIdCritical || cert.subjectKeyIdCritical) {
            throw new ValidationFailure(ReasonCode.MALFORMED, index,
                    who + " marks authorityKeyIdentifier or subjectKeyIdentifier critical, which RFC 5280 forbids");
        }
        if (cert.subject.getRDNs().length == 0 && (cert.subjectAltNames == null || !cert.subjectAltNamesCritical)) {
            throw new ValidationFailure(ReasonCode.MALFORMED, index,
                    who + " has an empty subject without a critical subjectAltName");
        }
        if (Boolean.FALSE.equals(cert.policyConstraintsCritical)) {
            throw new ValidationFailure(ReasonCode.MALFORMED, index,
                    who + " has a non-critical policyConstraints extension; RFC 5280 §4.2.1.11 requires it critical");
        }
    }

    private static void checkValidity(ParsedCertificate cert, int index, String who, Instant time) throws ValidationFailure {
        if (time.isBefore(cert.notBefore)) {
            throw new ValidationFailure(ReasonCode.NOT_YET_VALID, index, who + " is not valid before " + cert.notBefore);
        }
        if (time.isAfter(cert.notAfter)) {
            throw new ValidationFailure(ReasonCode.EXPIRED, index, who + " expired at " + cert.notAfter);
        }
    }

    private static void checkCriticalExtensions(ParsedCertificate cert, int index, String who) throws ValidationFailure {
        if (!cert.unprocessedCritical.isEmpty()) {
            throw new ValidationFailure(ReasonCode.UNKNOWN_CRITICAL_EXTENSION, index, who + " has critical extension(s) "
                    + cert.unprocessedCritical.stream().map(o -> o.getId()).collect(Collectors.joining(", "))
                    + " that this validator does not process");
        }
    }

    /** AKI on every certificate that is not self-signed; its keyIdentifier (and issuer/serial) must match the issuer. */
    private static void checkKeyIdentifiers(ParsedCertificate cert, ParsedCertificate issuer, int index, String who,
                                            Provider provider) throws ValidationFailure {
        if (cert.authorityKeyId == null) {
            if (!cert.isSelfSigned(provider)) {
                throw new ValidationFailure(ReasonCode.MISSING_AKI, index, who + " has no authorityKeyIdentifier");
            }
            return;
        }
        byte[] keyId = cert.authorityKeyId.getKeyIdentifier();
        if (keyId != null && issuer.subjectKeyId != null && !Arrays.equals(keyId, issuer.subjectKeyId)) {
            throw new ValidationFailure(ReasonCode.AKI_MISMATCH, index,
                    who + " has an authorityKeyIdentifier that differs from the subjectKeyIdentifier of its issuer ("
                            + issuer.describe() + ")");
        }
        BigInteger akiSerial = cert.authorityKeyId.getAuthorityCertSerialNumber();
        if (akiSerial != null && !akiSerial.equals(issuer.serial)) {
            throw new ValidationFailure(ReasonCode.AKI_MISMATCH, index,
                    who + " has an authorityKeyIdentifier naming issuer serial " + akiSerial.toString(16)
                            + ", not " + issuer.serial.toString(16));
        }
        if (cert.authorityKeyId.getAuthorityCertIssuer() != null) {
            for (GeneralName name : cert.authorityKeyId.getAuthorityCertIssuer().getNames()) {
                if (name.getTagNo() == GeneralName.directoryName
                        && !X500Name.getInstance(name.getName()).equals(issuer.issuer)) {
                    throw new ValidationFailure(ReasonCode.AKI_MISMATCH, index,
                            who + " has an authorityKeyIdentifier naming another issuer's issuer");
                }
            }
        }
    }

    /** basicConstraints present, critical, cA; keyCertSign; subjectKeyIdentifier. */
    private static void checkCa(ParsedCertificate cert, int index, String who) throws ValidationFailure {
        if (cert.basicConstraints == null) {
            throw new ValidationFailure(ReasonCode.NOT_A_CA, index, who + " issues certificates but has no basicConstraints");
        }
        if (!cert.basicConstraints.isCA()) {
            throw new ValidationFailure(ReasonCode.NOT_A_CA, index, who + " issues certificates but has cA=false");
        }
        if (!cert.basicConstraintsCritical) {
            throw new ValidationFailure(ReasonCode.BASIC_CONSTRAINTS, index,
                    who + " is a CA whose basicConstraints is not critical");
        }
        // §6.1.4 (n): keyUsage is checked when present (the webpki profile requires it)
        if (cert.keyUsage != null && !cert.hasKeyUsage(KeyUsage.keyCertSign)) {
            throw new ValidationFailure(ReasonCode.KEY_USAGE, index, who + " is a CA whose keyUsage lacks keyCertSign");
        }
        if (cert.subjectKeyId == null) {
            throw new ValidationFailure(ReasonCode.MISSING_SKI, index, who + " is a CA without a subjectKeyIdentifier");
        }
    }

    /** An issuer's EKU, when present, constrains the purposes below it (as OpenSSL, Go and browsers treat it). */
    private static void checkIssuerEku(ParsedCertificate cert, int index, String who, Purpose purpose)
            throws ValidationFailure {
        if (!ekuAllows(cert.extendedKeyUsage, purpose)) {
            throw new ValidationFailure(ReasonCode.EXTENDED_KEY_USAGE, index,
                    who + " restricts extendedKeyUsage to purposes that exclude " + purpose.wireName());
        }
    }

    private static void checkLeaf(ParsedCertificate leaf, int index, String who, Purpose purpose) throws ValidationFailure {
        if (leaf.basicConstraints != null && !leaf.basicConstraints.isCA()
                && leaf.basicConstraints.getPathLenConstraint() != null) {
            throw new ValidationFailure(ReasonCode.BASIC_CONSTRAINTS, index, who + " has pathLenConstraint without cA");
        }
        if (leaf.hasKeyUsage(KeyUsage.keyCertSign) && !leaf.isCa()) {
            throw new ValidationFailure(ReasonCode.KEY_USAGE, index, who + " asserts keyCertSign without cA");
        }
        if (leaf.nameConstraints != null && !leaf.isCa()) {
            throw new ValidationFailure(ReasonCode.NAME_CONSTRAINTS, index,
                    who + " has nameConstraints, which RFC 5280 §4.2.1.10 allows only in CA certificates");
        }
        if (!ekuAllows(leaf.extendedKeyUsage, purpose)) {
            throw new ValidationFailure(ReasonCode.EXTENDED_KEY_USAGE, index,
                    who + " has an extendedKeyUsage without " + purpose.wireName());
        }
    }

    static boolean ekuAllows(ExtendedKeyUsage eku, Purpose purpose) {
        return eku == null || purpose == Purpose.ANY || eku.hasKeyPurposeId(purpose.keyPurpose())
                || eku.hasKeyPurposeId(KeyPurposeId.anyExtendedKeyUsage);
    }

    static String who(ParsedCertificate cert, int index) {
        return (index == 0 ? "leaf" : "certificate " + index) + " (" + cert.describe() + ")";
    }
}
