package com.zeroui.kms.trust.validation;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1GeneralizedTime;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERTaggedObject;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.DistributionPointName;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.GeneralSubtree;
import org.bouncycastle.asn1.x509.IssuingDistributionPoint;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.NameConstraints;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x509.Time;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A small builder for test PKIs with full control over every field: certificates are assembled from
 * ASN.1 by hand (so tests can make them wrong in exactly one way) and signed through JCA.
 * Certificates are valid around {@link #NOW}, the validation time of every test.
 */
final class TestPki {
    static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    static final BouncyCastleProvider BC = new BouncyCastleProvider();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static KeyPair rsa2048;
    private static KeyPair rsa1024;

    private TestPki() {
    }

    // ---- keys --------------------------------------------------------------------------------------

    static KeyPair ec() {
        return ec("secp256r1");
    }

    static KeyPair ec(String curve) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC", BC);
            g.initialize(new ECGenParameterSpec(curve), RANDOM);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static KeyPair ed25519() {
        try {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** RSA key pairs are slow to make: one of each size per test run. */
    static synchronized KeyPair rsa(int bits) {
        if (bits == 2048) {
            return rsa2048 != null ? rsa2048 : (rsa2048 = newRsa(2048));
        }
        if (bits == 1024) {
            return rsa1024 != null ? rsa1024 : (rsa1024 = newRsa(1024));
        }
        return newRsa(bits);
    }

    private static KeyPair newRsa(int bits) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(bits, RANDOM);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] keyId(PublicKey key) {
        try {
            SubjectPublicKeyInfo spki = SubjectPublicKeyInfo.getInstance(key.getEncoded());
            byte[] digest = MessageDigest.getInstance("SHA-1").digest(spki.getPublicKeyData().getBytes());
            return digest;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- certificates ------------------------------------------------------------------------------

    /** A certificate with its keys, as DER and as an X509Certificate (when the JDK can decode it). */
    record Issued(byte[] der, X500Name subject, KeyPair keys, byte[] ski) {
        X509Certificate cert() {
            return x509(der);
        }

        BigInteger serial() {
            return org.bouncycastle.asn1.x509.Certificate.getInstance(der).getSerialNumber().getValue();
        }

        String pem() {
            return com.zeroui.kms.crypto.Pem.encode("CERTIFICATE", der);
        }
    }

    static X509Certificate x509(byte[] der) {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot decode this test certificate: " + e.getMessage(), e);
        }
    }

    /** A self-signed root CA (pathLen unlimited). */
    static Issued root(String cn) {
        return cert("CN=" + cn + ",O=Test").ca().build();
    }

    /** An intermediate CA under {@code issuer}. */
    static Issued intermediate(String cn, Issued issuer) {
        return cert("CN=" + cn + ",O=Test").issuer(issuer).ca().build();
    }

    /** A TLS server+client leaf for {@code dns} under {@code issuer}. */
    static Issued leaf(String dns, Issued issuer) {
        return cert("CN=" + dns).issuer(issuer).leaf().dns(dns).build();
    }

    static CertBuilder cert(String subject) {
        return new CertBuilder(new X500Name(subject));
    }

    static final class CertBuilder {
        private final X500Name subject;
        private Issued issuer;
        private KeyPair keys;
        private KeyPair signingKeys;
        private X500Name issuerName;
        private BigInteger serial = new BigInteger(127, RANDOM).setBit(126);
        private Time notBefore = new Time(Date.from(NOW.minus(Duration.ofDays(30))));
        private Time notAfter = new Time(Date.from(NOW.plus(Duration.ofDays(365))));
        private String signatureAlgorithm;
        private AlgorithmIdentifier outerAlgorithm;
        private boolean corruptSignature;
        private final Map<ASN1ObjectIdentifier, Extension> extensions = new LinkedHashMap<>();
        private final List<Extension> extraExtensions = new ArrayList<>();
        private final List<GeneralName> sans = new ArrayList<>();
        private boolean noAki;
        private boolean noSki;
        private byte[] akiOverride;
        private SubjectPublicKeyInfo spkiOverride;

        private CertBuilder(X500Name subject) {
            this.subject = subject;
        }

        CertBuilder issuer(Issued issuer) {
            this.issuer = issuer;
            return this;
        }

        /** Signed by these keys under this issuer name (a forged or re-keyed issuer). */
        CertBuilder signedBy(X500Name name, KeyPair keys) {
            this.issuerName = name;
            this.signingKeys = keys;
            return this;
        }

        CertBuilder keys(KeyPair keys) {
            this.keys = keys;
            return this;
        }

        CertBuilder serial(BigInteger serial) {
            this.serial = serial;
            return this;
        }

        CertBuilder validity(Instant from, Instant to) {
            this.notBefore = new Time(Date.from(from));
            this.notAfter = new Time(Date.from(to));
            return this;
        }

        /** A raw GeneralizedTime string, e.g. with fractional seconds. */
        CertBuilder notAfterGeneralized(String time) {
            this.notAfter = new Time(new ASN1GeneralizedTime(time));
            return this;
        }

        CertBuilder signatureAlgorithm(String jcaName) {
            this.signatureAlgorithm = jcaName;
            return this;
        }

        CertBuilder outerAlgorithm(AlgorithmIdentifier algorithm) {
            this.outerAlgorithm = algorithm;
            return this;
        }

        CertBuilder corruptSignature() {
            this.corruptSignature = true;
            return this;
        }

        /** CA profile: critical basicConstraints cA, critical keyUsage keyCertSign|cRLSign. */
        CertBuilder ca() {
            return basicConstraints(true, new BasicConstraints(true))
                    .keyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign);
        }

        CertBuilder ca(int pathLen) {
            return basicConstraints(true, new BasicConstraints(pathLen))
                    .keyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign);
        }

        /** TLS leaf profile: critical basicConstraints cA=false, keyUsage digitalSignature, EKU server+client. */
        CertBuilder leaf() {
            return basicConstraints(true, new BasicConstraints(false))
                    .keyUsage(KeyUsage.digitalSignature)
                    .eku(KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth);
        }

        CertBuilder basicConstraints(boolean critical, BasicConstraints value) {
            return ext(Extension.basicConstraints, critical, value);
        }

        CertBuilder keyUsage(int bits) {
            return ext(Extension.keyUsage, true, new KeyUsage(bits));
        }

        CertBuilder eku(KeyPurposeId... purposes) {
            return ext(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purposes));
        }

        CertBuilder dns(String... names) {
            for (String n : names) {
                sans.add(new GeneralName(GeneralName.dNSName, n));
            }
            return this;
        }

        CertBuilder ip(String... addresses) {
            for (String a : addresses) {
                sans.add(new GeneralName(GeneralName.iPAddress, a));
            }
            return this;
        }

        CertBuilder email(String... addresses) {
            for (String a : addresses) {
                sans.add(new GeneralName(GeneralName.rfc822Name, a));
            }
            return this;
        }

        CertBuilder uri(String... uris) {
            for (String u : uris) {
                sans.add(new GeneralName(GeneralName.uniformResourceIdentifier, u));
            }
            return this;
        }

        CertBuilder nameConstraints(List<GeneralName> permitted, List<GeneralName> excluded) {
            return ext(Extension.nameConstraints, true, new NameConstraints(subtrees(permitted), subtrees(excluded)));
        }

        CertBuilder crlDistributionPoint(String uri) {
            DistributionPoint dp = new DistributionPoint(new DistributionPointName(
                    new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, uri))), null, null);
            return ext(Extension.cRLDistributionPoints, false, new CRLDistPoint(new DistributionPoint[] {dp}));
        }

        /** Sets (or replaces) an extension. */
        CertBuilder ext(ASN1ObjectIdentifier oid, boolean critical, ASN1Encodable value) {
            try {
                extensions.put(oid, new Extension(oid, critical, new DEROctetString(value.toASN1Primitive().getEncoded(ASN1Encoding.DER))));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            return this;
        }

        /** Adds an extension even if one with this OID exists (to make duplicates). */
        CertBuilder extraExt(ASN1ObjectIdentifier oid, boolean critical, ASN1Encodable value) {
            try {
                extraExtensions.add(new Extension(oid, critical, new DEROctetString(value.toASN1Primitive().getEncoded(ASN1Encoding.DER))));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            return this;
        }

        /** An extension of an unknown OID, with an arbitrary value. */
        CertBuilder unknownExt(boolean critical) {
            return ext(new ASN1ObjectIdentifier("1.3.6.1.4.1.55555.1.1"), critical, new DERUTF8String("x"));
        }

        CertBuilder without(ASN1ObjectIdentifier oid) {
            extensions.remove(oid);
            if (oid.equals(Extension.authorityKeyIdentifier)) {
                noAki = true;
            }
            if (oid.equals(Extension.subjectKeyIdentifier)) {
                noSki = true;
            }
            return this;
        }

        /** Encodes the subject key this way (e.g. with explicit EC parameters) instead of the key's own encoding. */
        CertBuilder spki(SubjectPublicKeyInfo spki) {
            this.spkiOverride = spki;
            return this;
        }

        CertBuilder akiKeyId(byte[] keyId) {
            this.akiOverride = keyId;
            return this;
        }

        Issued build() {
            KeyPair subjectKeys = keys != null ? keys : ec();
            KeyPair signer = signingKeys != null ? signingKeys : issuer != null ? issuer.keys() : subjectKeys;
            X500Name issuerDn = issuerName != null ? issuerName : issuer != null ? issuer.subject() : subject;
            byte[] ski = noSki ? null : keyId(subjectKeys.getPublic());
            Map<ASN1ObjectIdentifier, Extension> all = new LinkedHashMap<>(extensions);
            if (!sans.isEmpty()) {
                put(all, Extension.subjectAlternativeName, subject.getRDNs().length == 0,
                        new GeneralNames(sans.toArray(GeneralName[]::new)));
            }
            if (ski != null && !all.containsKey(Extension.subjectKeyIdentifier)) {
                put(all, Extension.subjectKeyIdentifier, false, new DEROctetString(ski));
            }
            boolean selfSigned = issuer == null && signingKeys == null;
            if (!noAki && !all.containsKey(Extension.authorityKeyIdentifier) && (!selfSigned || akiOverride != null)) {
                byte[] akid = akiOverride != null ? akiOverride
                        : issuer != null && issuer.ski() != null ? issuer.ski() : keyId(signer.getPublic());
                put(all, Extension.authorityKeyIdentifier, false, new AuthorityKeyIdentifier(akid));
            }
            try {
                ContentSigner contentSigner = new JcaContentSignerBuilder(signatureAlgorithm != null ? signatureAlgorithm
                        : defaultAlgorithm(signer)).setProvider(BC).build(signer.getPrivate());
                AlgorithmIdentifier algorithm = contentSigner.getAlgorithmIdentifier();
                ASN1EncodableVector tbs = new ASN1EncodableVector();
                tbs.add(new DERTaggedObject(true, 0, new ASN1Integer(2)));
                tbs.add(new ASN1Integer(serial));
                tbs.add(algorithm);
                tbs.add(issuerDn);
                tbs.add(new DERSequence(new ASN1Encodable[] {notBefore, notAfter}));
                tbs.add(subject);
                tbs.add(spkiOverride != null ? spkiOverride : SubjectPublicKeyInfo.getInstance(subjectKeys.getPublic().getEncoded()));
                ASN1EncodableVector exts = new ASN1EncodableVector();
                all.values().forEach(exts::add);
                extraExtensions.forEach(exts::add);
                if (exts.size() > 0) {
                    tbs.add(new DERTaggedObject(true, 3, new DERSequence(exts)));
                }
                byte[] tbsDer = new DERSequence(tbs).getEncoded(ASN1Encoding.DER);
                contentSigner.getOutputStream().write(tbsDer);
                byte[] signature = contentSigner.getSignature();
                if (corruptSignature) {
                    signature[signature.length / 2] ^= 0x01;
                }
                ASN1EncodableVector cert = new ASN1EncodableVector();
                cert.add(new DERSequence(tbs));
                cert.add(outerAlgorithm != null ? outerAlgorithm : algorithm);
                cert.add(new DERBitString(signature));
                return new Issued(new DERSequence(cert).getEncoded(ASN1Encoding.DER), subject, subjectKeys, ski);
            } catch (Exception e) {
                throw new IllegalStateException("cannot build test certificate " + subject, e);
            }
        }

        private static void put(Map<ASN1ObjectIdentifier, Extension> all, ASN1ObjectIdentifier oid, boolean critical,
                                ASN1Encodable value) {
            try {
                all.put(oid, new Extension(oid, critical, new DEROctetString(value.toASN1Primitive().getEncoded(ASN1Encoding.DER))));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    static String defaultAlgorithm(KeyPair keys) {
        return switch (keys.getPublic().getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> "SHA256withECDSA";
        };
    }

    static GeneralSubtree[] subtrees(List<GeneralName> names) {
        if (names == null || names.isEmpty()) {
            return null;
        }
        return names.stream().map(GeneralSubtree::new).toArray(GeneralSubtree[]::new);
    }

    static GeneralName dnsName(String name) {
        return new GeneralName(GeneralName.dNSName, name);
    }

    /** An iPAddress constraint: address and mask, e.g. ("10.0.0.0", "255.0.0.0"). */
    static GeneralName ipRange(String address, String mask) {
        try {
            byte[] a = java.net.InetAddress.getByName(address).getAddress();
            byte[] m = java.net.InetAddress.getByName(mask).getAddress();
            byte[] both = new byte[a.length * 2];
            System.arraycopy(a, 0, both, 0, a.length);
            System.arraycopy(m, 0, both, a.length, m.length);
            return new GeneralName(GeneralName.iPAddress, new DEROctetString(both));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- CRLs --------------------------------------------------------------------------------------

    static CrlBuilder crl(Issued issuer) {
        return new CrlBuilder(issuer);
    }

    static X509CRL crlCopy(X509CRL crl) {
        try {
            return (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(new ByteArrayInputStream(crl.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static final class CrlBuilder {
        private final Issued issuer;
        private KeyPair signer;
        private Instant thisUpdate = NOW.minus(Duration.ofHours(1));
        private Instant nextUpdate = NOW.plus(Duration.ofDays(7));
        private boolean number = true;
        private boolean criticalNumber;
        private IssuingDistributionPoint idp;
        private boolean criticalUnknown;
        private boolean delta;
        private byte[] akiKeyId;
        private final List<Object[]> entries = new ArrayList<>();
        private int fillers;

        private CrlBuilder(Issued issuer) {
            this.issuer = issuer;
            this.akiKeyId = issuer.ski();
        }

        CrlBuilder revoke(BigInteger serial, int reason) {
            entries.add(new Object[] {serial, reason});
            return this;
        }

        CrlBuilder revoke(Issued cert) {
            return revoke(cert.serial(), org.bouncycastle.asn1.x509.CRLReason.keyCompromise);
        }

        /** Adds {@code count} random revoked serials (for size). */
        CrlBuilder filler(int count) {
            this.fillers = count;
            return this;
        }

        CrlBuilder signedBy(Issued delegate) {
            this.signer = delegate.keys();
            this.akiKeyId = delegate.ski();
            return this;
        }

        CrlBuilder signedByKey(KeyPair keys) {
            this.signer = keys;
            return this;
        }

        CrlBuilder updates(Instant thisUpdate, Instant nextUpdate) {
            this.thisUpdate = thisUpdate;
            this.nextUpdate = nextUpdate;
            return this;
        }

        CrlBuilder criticalCrlNumber() {
            this.criticalNumber = true;
            return this;
        }

        CrlBuilder noCrlNumber() {
            this.number = false;
            return this;
        }

        CrlBuilder idp(IssuingDistributionPoint idp) {
            this.idp = idp;
            return this;
        }

        CrlBuilder criticalUnknownExtension() {
            this.criticalUnknown = true;
            return this;
        }

        CrlBuilder delta() {
            this.delta = true;
            return this;
        }

        X509CRL build() {
            try {
                KeyPair keys = signer != null ? signer : issuer.keys();
                X509v2CRLBuilder b = new X509v2CRLBuilder(issuer.subject(), Date.from(thisUpdate));
                if (nextUpdate != null) {
                    b.setNextUpdate(Date.from(nextUpdate));
                }
                for (Object[] e : entries) {
                    b.addCRLEntry((BigInteger) e[0], Date.from(NOW.minus(Duration.ofDays(1))), (Integer) e[1]);
                }
                Date date = Date.from(NOW.minus(Duration.ofDays(2)));
                for (int i = 0; i < fillers; i++) {
                    b.addCRLEntry(new BigInteger(120, RANDOM).setBit(119), date, 
                            org.bouncycastle.asn1.x509.CRLReason.superseded);
                }
                if (number) {
                    b.addExtension(Extension.cRLNumber, criticalNumber, new CRLNumber(BigInteger.valueOf(42)));
                }
                if (akiKeyId != null) {
                    b.addExtension(Extension.authorityKeyIdentifier, false, new AuthorityKeyIdentifier(akiKeyId));
                }
                if (idp != null) {
                    b.addExtension(Extension.issuingDistributionPoint, true, idp);
                }
                if (criticalUnknown) {
                    b.addExtension(new ASN1ObjectIdentifier("1.3.6.1.4.1.55555.2.1"), true, new DERUTF8String("x"));
                }
                if (delta) {
                    b.addExtension(Extension.deltaCRLIndicator, true, new CRLNumber(BigInteger.ONE));
                }
                ContentSigner contentSigner = new JcaContentSignerBuilder(defaultAlgorithm(keys)).setProvider(BC)
                        .build(keys.getPrivate());
                X509CRLHolder holder = b.build(contentSigner);
                return (X509CRL) CertificateFactory.getInstance("X.509")
                        .generateCRL(new ByteArrayInputStream(holder.getEncoded()));
            } catch (Exception e) {
                throw new IllegalStateException("cannot build test CRL", e);
            }
        }
    }
}
