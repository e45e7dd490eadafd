package com.zeroui.kms.trust.validation;

import com.google.common.net.InetAddresses;
import com.google.common.net.InternetDomainName;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSAPublicKey;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;

/**
 * The {@link Profile#WEBPKI} rules: the CA/Browser Forum Baseline Requirements for publicly trusted
 * TLS server certificates (§7.1), applied on top of RFC 5280 to a path that already passed it.
 *
 * <ul>
 *   <li>every certificate: extendedKeyUsage not critical; RSA moduli a multiple of 8 bits; an
 *       authorityInformationAccess, when present, not critical and made of id-ad-ocsp / id-ad-caIssuers
 *       entries whose location is an {@code http://} URI;</li>
 *   <li>CA certificates: keyUsage present (with keyCertSign, as RFC 5280 checks);</li>
 *   <li>a self-signed root: no extendedKeyUsage; an authorityKeyIdentifier, if any, only a keyIdentifier
 *       equal to its subjectKeyIdentifier;</li>
 *   <li>certificates below the anchor: authorityKeyIdentifier with a keyIdentifier and nothing else;</li>
 *   <li>the leaf: not a CA; extendedKeyUsage present, with id-kp-serverAuth and without
 *       anyExtendedKeyUsage; keyUsage (when present) fit for the purpose; a subjectAltName; a subject CN,
 *       if present, byte for byte one of the SANs (an IP address in its canonical text form, a DNS name
 *       exactly as in the dNSName, so no U-label for an A-label); no wildcard directly under a public
 *       suffix of the ICANN section of the Public Suffix List (Guava's {@link InternetDomainName}: private
 *       registrations such as {@code github.io} are their owners' to wildcard).</li>
 * </ul>
 * The hostname is then matched against SANs only: the CN is never a fallback.
 */
final class WebPkiProfile {
    private WebPkiProfile() {
    }

    static void check(List<ParsedCertificate> path, Purpose purpose, java.security.Provider provider)
            throws ValidationFailure {
        int anchorIndex = path.size() - 1;
        for (int i = anchorIndex; i >= 0; i--) {
            ParsedCertificate cert = path.get(i);
            String who = i == anchorIndex && i > 0 ? "trust anchor (" + cert.describe() + ")" : PathValidator.who(cert, i);
            checkAny(cert, i, who);
            if (i > 0) {
                if (cert.keyUsage == null) {
                    throw new ValidationFailure(ReasonCode.KEY_USAGE, i, who + " is a CA without keyUsage (webpki)");
                }
            }
            if (i == anchorIndex && i > 0 && cert.isSelfSigned(provider)) {
                checkRoot(cert, i, who);
            } else if (i < anchorIndex) {
                checkIssuedAki(cert, i, who);
            }
        }
        checkLeaf(path.get(0), purpose, PathValidator.who(path.get(0), 0));
    }

    private static void checkAny(ParsedCertificate cert, int index, String who) throws ValidationFailure {
        if (cert.extendedKeyUsageCritical) {
            throw new ValidationFailure(ReasonCode.EXTENDED_KEY_USAGE, index,
                    who + " marks extendedKeyUsage critical (webpki: it must not be)");
        }
        SubjectPublicKeyInfo spki = cert.asn1.getSubjectPublicKeyInfo();
        if (spki.getAlgorithm().getAlgorithm().equals(PKCSObjectIdentifiers.rsaEncryption)) {
            int bits;
            try {
                bits = RSAPublicKey.getInstance(spki.parsePublicKey()).getModulus().bitLength();
            } catch (java.io.IOException | RuntimeException e) {
                throw new ValidationFailure(ReasonCode.MALFORMED, index, who + " has an RSA key that does not decode");
            }
            if (bits % 8 != 0) {
                throw new ValidationFailure(ReasonCode.UNSUPPORTED_ALGORITHM, index, who + " has an RSA modulus of "
                        + bits + " bits (webpki: a multiple of 8)");
            }
        }
        if (cert.authorityInfoAccess != null) {
            String problem = aiaProblem(cert);
            if (problem != null) {
                throw new ValidationFailure(ReasonCode.MALFORMED, index, who + " has an authorityInfoAccess " + problem
                        + " (webpki)");
            }
        }
    }

    private static String aiaProblem(ParsedCertificate cert) {
        if (cert.authorityInfoAccess.isCritical()) {
            return "marked critical";
        }
        AccessDescription[] descriptions;
        try {
            descriptions = AuthorityInformationAccess.getInstance(cert.authorityInfoAccess.getParsedValue())
                    .getAccessDescriptions();
        } catch (RuntimeException e) {
            return "that does not decode";
        }
        if (descriptions.length == 0) {
            return "that is empty";
        }
        for (AccessDescription d : descriptions) {
            if (!d.getAccessMethod().equals(AccessDescription.id_ad_ocsp)
                    && !d.getAccessMethod().equals(AccessDescription.id_ad_caIssuers)) {
                return "with access method " + d.getAccessMethod().getId() + " (only id-ad-ocsp and id-ad-caIssuers)";
            }
            GeneralName location = d.getAccessLocation();
            if (location.getTagNo() != GeneralName.uniformResourceIdentifier
                    || !((ASN1String) location.getName()).getString().toLowerCase(Locale.ROOT).startsWith("http://")) {
                return "whose location is not an http:// URI";
            }
        }
        return null;
    }

    private static void checkRoot(ParsedCertificate root, int index, String who) throws ValidationFailure {
        if (root.extendedKeyUsage != null) {
            throw new ValidationFailure(ReasonCode.EXTENDED_KEY_USAGE, index, who + " is a root with extendedKeyUsage (webpki)");
        }
        AuthorityKeyIdentifier aki = root.authorityKeyId;
        if (aki != null) {
            byte[] keyId = keyId(aki);
            if (aki.getAuthorityCertIssuer() != null || aki.getAuthorityCertSerialNumber() != null
                    || keyId != null && !java.util.Arrays.equals(keyId, root.subjectKeyId)) {
                throw new ValidationFailure(ReasonCode.AKI_MISMATCH, index, who + " is a root whose authorityKeyIdentifier "
                        + "is not just a keyIdentifier equal to its subjectKeyIdentifier (webpki)");
            }
        }
    }

    private static void checkIssuedAki(ParsedCertificate cert, int index, String who) throws ValidationFailure {
        AuthorityKeyIdentifier aki = cert.authorityKeyId;
        if (aki == null || keyId(aki) == null) {
            throw new ValidationFailure(ReasonCode.MISSING_AKI, index, who + " has no authorityKeyIdentifier keyIdentifier (webpki)");
        }
        if (aki.getAuthorityCertIssuer() != null || aki.getAuthorityCertSerialNumber() != null) {
            throw new ValidationFailure(ReasonCode.AKI_MISMATCH, index,
                    who + " has authorityCertIssuer or authorityCertSerialNumber in its authorityKeyIdentifier (webpki)");
        }
    }

    private static void checkLeaf(ParsedCertificate leaf, Purpose purpose, String who) throws ValidationFailure {
        if (leaf.isCa()) {
            throw new ValidationFailure(ReasonCode.BASIC_CONSTRAINTS, 0, who + " is a CA certificate used as a leaf (webpki)");
        }
        if (leaf.extendedKeyUsage == null) {
            throw new ValidationFailure(ReasonCode.EXTENDED_KEY_USAGE, 0, who + " has no extendedKeyUsage (webpki)");
        }
        if (leaf.extendedKeyUsage.hasKeyPurposeId(KeyPurposeId.anyExtendedKeyUsage)) {
            throw new ValidationFailure(ReasonCode.EXTENDED_KEY_USAGE, 0, who + " asserts anyExtendedKeyUsage (webpki)");
        }
        if (!leaf.extendedKeyUsage.hasKeyPurposeId(KeyPurposeId.id_kp_serverAuth)) {
            throw new ValidationFailure(ReasonCode.EXTENDED_KEY_USAGE, 0, who + " has an extendedKeyUsage without "
                    + "id-kp-serverAuth (webpki)");
        }
        checkKeyUsageForPurpose(leaf, purpose, who);
        if (leaf.subjectAltNames == null) {
            throw new ValidationFailure(ReasonCode.SUBJECT_ALT_NAME, 0, who + " has no subjectAltName (webpki)");
        }
        for (String cn : HostnameMatcher.commonNames(leaf.subject)) {
            if (!isOneOfTheSans(cn, leaf)) {
                throw new ValidationFailure(ReasonCode.SUBJECT_ALT_NAME, 0, who + " has subject CN '" + DnsNames.shorten(cn)
                        + "', which is not byte for byte one of its subjectAltNames (webpki)");
            }
        }
        for (GeneralName name : leaf.subjectAltNames.getNames()) {
            if (name.getTagNo() == GeneralName.dNSName) {
                String dns = ((ASN1String) name.getName()).getString();
                if (dns.startsWith("*.") && isPublicSuffix(dns.substring(2))) {
                    throw new ValidationFailure(ReasonCode.WILDCARD_PUBLIC_SUFFIX, 0, who + " has wildcard '"
                            + DnsNames.shorten(dns) + "' directly under a public suffix (webpki)");
                }
            }
        }
    }

    /** The purpose-based keyUsage rules (RFC 5280 has none; the Baseline Requirements and TLS do). */
    private static void checkKeyUsageForPurpose(ParsedCertificate leaf, Purpose purpose, String who) throws ValidationFailure {
        if (leaf.keyUsage == null) {
            return;
        }
        int needed = switch (purpose) {
            case SERVER_AUTH, ANY -> KeyUsage.digitalSignature | KeyUsage.keyEncipherment | KeyUsage.keyAgreement;
            case CLIENT_AUTH -> KeyUsage.digitalSignature | KeyUsage.keyAgreement;
        };
        for (int bit = 1; bit <= 0x8000; bit <<= 1) {
            if ((needed & bit) != 0 && leaf.keyUsage.hasUsages(bit)) {
                return;
            }
        }
        throw new ValidationFailure(ReasonCode.KEY_USAGE, 0, who + " has a keyUsage unfit for TLS ("
                + (purpose == Purpose.CLIENT_AUTH ? "needs digitalSignature or keyAgreement"
                : "needs digitalSignature, keyEncipherment or keyAgreement") + ", webpki)");
    }

    private static boolean isOneOfTheSans(String cn, ParsedCertificate leaf) {
        for (GeneralName name : leaf.subjectAltNames.getNames()) {
            if (name.getTagNo() == GeneralName.dNSName && ((ASN1String) name.getName()).getString().equals(cn)) {
                return true;
            }
            if (name.getTagNo() == GeneralName.iPAddress && cn.equals(ipText(name))) {
                return true;
            }
        }
        return false;
    }

    /** An iPAddress SAN as text: a dotted quad, or IPv6 in RFC 5952's canonical form (Guava's {@link InetAddresses}). */
    private static String ipText(GeneralName name) {
        try {
            return InetAddresses.toAddrString(InetAddress.getByAddress(ASN1OctetString.getInstance(name.getName()).getOctets()));
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static boolean isPublicSuffix(String domain) {
        try {
            return InternetDomainName.from(domain).isRegistrySuffix();
        } catch (IllegalArgumentException e) {
            return false; // not a domain name Guava accepts: the syntax rules have judged it already
        }
    }

    private static byte[] keyId(AuthorityKeyIdentifier aki) {
        return aki.getKeyIdentifier(); // the accessor both bcprov and bc-fips have
    }
}
