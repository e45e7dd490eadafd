package com.zeroui.kms.trust.validation;

import com.zeroui.kms.crypto.Digests;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.security.Provider;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.Certificate;
import org.bouncycastle.asn1.x509.CertificatePolicies;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.NameConstraints;

/**
 * One certificate decoded once with Bouncy Castle's ASN.1 classes: the fields and extensions the
 * validator needs, with encoding errors turned into {@link ReasonCode#MALFORMED}. Extensions are read
 * straight from the DER, so nothing the JDK's parser would normalise or refuse stands between the
 * bytes and the rules.
 */
final class ParsedCertificate {
    /** The extensions the validator processes; any other critical extension fails validation. */
    static final Set<ASN1ObjectIdentifier> PROCESSED_EXTENSIONS = Set.of(
            Extension.basicConstraints, Extension.keyUsage, Extension.extendedKeyUsage,
            Extension.subjectAlternativeName, Extension.nameConstraints, Extension.authorityKeyIdentifier,
            Extension.subjectKeyIdentifier, Extension.certificatePolicies, Extension.cRLDistributionPoints);

    private static final java.security.Provider BC = com.zeroui.kms.crypto.BouncyCastleProviders.forCertificates();
    private static final String ALLOW_EMPTY_ISSUER = "org.bouncycastle.x509.allow_empty_issuer_cert";

    final byte[] der;
    final Certificate asn1;
    final byte[] tbsDer;
    final X500Name subject;
    final X500Name issuer;
    final BigInteger serial;
    final Instant notBefore;
    final Instant notAfter;
    final Extensions extensions;
    final BasicConstraints basicConstraints;
    final boolean basicConstraintsCritical;
    final KeyUsage keyUsage;
    final ExtendedKeyUsage extendedKeyUsage;
    final GeneralNames subjectAltNames;
    final boolean subjectAltNamesCritical;
    final NameConstraints nameConstraints;
    final boolean nameConstraintsCritical;
    /** Null when absent; whether policyConstraints is critical otherwise (RFC 5280 §4.2.1.11: it MUST be). */
    final Boolean policyConstraintsCritical;
    final boolean extendedKeyUsageCritical;
    /** The authorityInfoAccess extension's value, undecoded (the webpki profile checks its form), or null. */
    final Extension authorityInfoAccess;
    final AuthorityKeyIdentifier authorityKeyId;
    final boolean authorityKeyIdCritical;
    final byte[] subjectKeyId;
    final boolean subjectKeyIdCritical;
    final CRLDistPoint crlDistributionPoints;
    final List<ASN1ObjectIdentifier> unprocessedCritical;
    final boolean selfIssued;
    private final byte[] spkiDer;
    private final X509Certificate original;
    private volatile X509Certificate x509;
    private volatile PublicKey publicKey;
    private volatile Boolean selfSigned;

    private ParsedCertificate(byte[] der, X509Certificate original) throws IOException {
        this.der = der;
        this.original = original;
        this.asn1 = Certificate.getInstance(der);
        if (!Arrays.equals(asn1.getEncoded(ASN1Encoding.DER), der)) {
            throw new IOException("not DER: the encoding is not the distinguished one");
        }
        this.tbsDer = asn1.getTBSCertificate().getEncoded(ASN1Encoding.DER);
        this.subject = asn1.getSubject();
        this.issuer = asn1.getIssuer();
        this.serial = asn1.getSerialNumber().getValue();
        this.notBefore = Asn1Times.toInstant(asn1.getStartDate());
        this.notAfter = Asn1Times.toInstant(asn1.getEndDate());
        this.spkiDer = asn1.getSubjectPublicKeyInfo().getEncoded(ASN1Encoding.DER);
        this.extensions = asn1.getTBSCertificate().getExtensions();
        if (extensions != null && asn1.getVersionNumber() != 3) {
            throw new IOException("extensions in a version " + asn1.getVersionNumber() + " certificate");
        }
        Extension bc = extension(Extension.basicConstraints);
        this.basicConstraints = bc == null ? null : BasicConstraints.getInstance(bc.getParsedValue());
        this.basicConstraintsCritical = bc != null && bc.isCritical();
        Extension ku = extension(Extension.keyUsage);
        this.keyUsage = ku == null ? null : KeyUsage.getInstance(ku.getParsedValue());
        if (keyUsage != null && keyUsage.getBytes().length == 0 || keyUsage != null && allZero(keyUsage.getBytes())) {
            throw new IOException("keyUsage has no bit set");
        }
        Extension eku = extension(Extension.extendedKeyUsage);
        this.extendedKeyUsage = eku == null ? null : ExtendedKeyUsage.getInstance(eku.getParsedValue());
        this.extendedKeyUsageCritical = eku != null && eku.isCritical();
        if (extendedKeyUsage != null && extendedKeyUsage.size() == 0) {
            throw new IOException("extendedKeyUsage is empty");
        }
        Extension san = extension(Extension.subjectAlternativeName);
        this.subjectAltNames = san == null ? null : GeneralNames.getInstance(san.getParsedValue());
        this.subjectAltNamesCritical = san != null && san.isCritical();
        if (subjectAltNames != null && subjectAltNames.getNames().length == 0) {
            throw new IOException("subjectAltName is empty");
        }
        if (subjectAltNames != null) {
            for (GeneralName name : subjectAltNames.getNames()) {
                if (name.getTagNo() == GeneralName.dNSName && !DnsNames.isPreferredSyntax(dnsString(name), true)) {
                    throw new IOException("dNSName SAN '" + DnsNames.shorten(dnsString(name))
                            + "' is not in the preferred name syntax (RFC 5280 §4.2.1.6)");
                }
            }
        }
        Extension nc = extension(Extension.nameConstraints);
        this.nameConstraints = nc == null ? null : NameConstraints.getInstance(nc.getParsedValue());
        this.nameConstraintsCritical = nc != null && nc.isCritical();
        Extension pc = extension(Extension.policyConstraints);
        this.policyConstraintsCritical = pc == null ? null : pc.isCritical();
        this.authorityInfoAccess = extension(Extension.authorityInfoAccess);
        Extension aki = extension(Extension.authorityKeyIdentifier);
        this.authorityKeyId = aki == null ? null : AuthorityKeyIdentifier.getInstance(aki.getParsedValue());
        this.authorityKeyIdCritical = aki != null && aki.isCritical();
        Extension ski = extension(Extension.subjectKeyIdentifier);
        this.subjectKeyId = ski == null ? null : ASN1OctetString.getInstance(ski.getParsedValue()).getOctets();
        this.subjectKeyIdCritical = ski != null && ski.isCritical();
        Extension cdp = extension(Extension.cRLDistributionPoints);
        this.crlDistributionPoints = cdp == null ? null : CRLDistPoint.getInstance(cdp.getParsedValue());
        Extension policies = extension(Extension.certificatePolicies);
        if (policies != null) {
            CertificatePolicies.getInstance(policies.getParsedValue()); // decodes, or MALFORMED
        }
        List<ASN1ObjectIdentifier> unknown = new ArrayList<>();
        if (extensions != null) {
            for (ASN1ObjectIdentifier oid : extensions.getCriticalExtensionOIDs()) {
                if (!PROCESSED_EXTENSIONS.contains(oid)) {
                    unknown.add(oid);
                }
            }
        }
        this.unprocessedCritical = List.copyOf(unknown);
        this.selfIssued = subject.equals(issuer);
    }

    /**
     * Parses, or throws a MALFORMED failure naming {@code who}. An empty issuer name decodes here (Bouncy
     * Castle refuses it by default, as the JDK does): a trust anchor's issuer is never used, and for any
     * other certificate the path validator refuses it with a reason.
     */
    static ParsedCertificate parse(byte[] der, X509Certificate original, int index, String who) throws ValidationFailure {
        boolean set = allowEmptyIssuer();
        try {
            return new ParsedCertificate(der, original);
        } catch (IOException | RuntimeException e) {
            throw new ValidationFailure(ReasonCode.MALFORMED, index, who + " does not decode: " + e.getMessage());
        } finally {
            if (set) {
                clearEmptyIssuer();
            }
        }
    }

    /**
     * Lets Bouncy Castle decode an empty issuer name on this thread. Reached by name because the FIPS
     * module's {@code Properties} has no thread overrides: there such anchors stay undecodable (MALFORMED).
     */
    private static boolean allowEmptyIssuer() {
        try {
            return (Boolean) org.bouncycastle.util.Properties.class
                    .getMethod("setThreadOverride", String.class, boolean.class).invoke(null, ALLOW_EMPTY_ISSUER, true);
        } catch (ReflectiveOperationException e) {
            return false;
        }
    }

    private static void clearEmptyIssuer() {
        try {
            org.bouncycastle.util.Properties.class.getMethod("removeThreadOverride", String.class)
                    .invoke(null, ALLOW_EMPTY_ISSUER);
        } catch (ReflectiveOperationException e) {
            // nothing was set
        }
    }

    private static String dnsString(GeneralName name) {
        return ((ASN1String) name.getName()).getString();
    }

    private Extension extension(ASN1ObjectIdentifier oid) {
        return extensions == null ? null : extensions.getExtension(oid);
    }

    private static boolean allZero(byte[] bytes) {
        for (byte b : bytes) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    boolean isCa() {
        return basicConstraints != null && basicConstraints.isCA();
    }

    boolean hasKeyUsage(int bits) {
        return keyUsage != null && keyUsage.hasUsages(bits);
    }

    /** The public key, checked against the algorithm policy on first use. */
    PublicKey publicKey(int index, String who) throws ValidationFailure {
        PublicKey key = publicKey;
        if (key == null) {
            key = AlgorithmPolicy.publicKey(asn1.getSubjectPublicKeyInfo(), index, who);
            publicKey = key;
        }
        return key;
    }

    /** Self-issued and signed by its own key (the mark of a root; self-issued key-rollover certificates are not). */
    boolean isSelfSigned(Provider provider) {
        Boolean s = selfSigned;
        if (s == null) {
            s = false;
            if (selfIssued) {
                try {
                    s = AlgorithmPolicy.verifies(asn1.getSignatureAlgorithm(), tbsDer, asn1.getSignature().getOctets(),
                            publicKey(-1, "certificate"), provider);
                } catch (ValidationFailure e) {
                    s = false;
                }
            }
            selfSigned = s;
        }
        return s;
    }

    /** Same subject and same public key: the identity that path building must not repeat (RFC 4158 loop detection). */
    boolean sameSubjectAndKey(ParsedCertificate other) {
        return subject.equals(other.subject) && Arrays.equals(spkiDer, other.spkiDer);
    }

    /** The DER SubjectPublicKeyInfo. */
    byte[] spkiDer() {
        return spkiDer.clone();
    }

    boolean sameEncoding(ParsedCertificate other) {
        return Arrays.equals(der, other.der);
    }

    /** The caller's object when it gave one, else one decoded by Bouncy Castle's provider. */
    X509Certificate x509() {
        if (original != null) {
            return original;
        }
        X509Certificate c = x509;
        if (c == null) {
            boolean set = allowEmptyIssuer();
            try {
                c = (X509Certificate) CertificateFactory.getInstance("X.509", BC)
                        .generateCertificate(new ByteArrayInputStream(der));
            } catch (CertificateException e) {
                throw new IllegalStateException("certificate parsed by ASN.1 but not by the provider", e);
            } finally {
                if (set) {
                    clearEmptyIssuer();
                }
            }
            x509 = c;
        }
        return c;
    }

    /** "CN=…" for messages. */
    String describe() {
        String s = subject.toString();
        return s.isEmpty() ? "(empty subject, serial " + serial.toString(16) + ")" : s;
    }

    String sha256Hex() {
        return Digests.sha256Hex(der);
    }
}
