package com.zeroui.kms.trust;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The internal CA: a root and an issuing intermediate, both ECDSA P-256 (every TLS stack in use
 * accepts it, signatures are small and fast). The issuing CA signs server certificates and client
 * certificates that carry caller identities as URI SANs.
 */
public final class InternalCa {
    public static final String ROOT_ID = "internal-root";
    public static final String ISSUING_ID = "internal-issuing";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String SIGNATURE = "SHA256withECDSA";

    private final X509Certificate root;
    private final X509Certificate issuing;
    private final PrivateKey issuingKey;
    private final Clock clock;

    public InternalCa(X509Certificate root, X509Certificate issuing, PrivateKey issuingKey, Clock clock) {
        this.root = root;
        this.issuing = issuing;
        this.issuingKey = issuingKey;
        this.clock = clock;
    }

    public X509Certificate root() {
        return root;
    }

    public X509Certificate issuing() {
        return issuing;
    }

    /** A new root and issuing CA. Returns the CA plus the root's key pair, which the caller stores wrapped. */
    public record Generated(InternalCa ca, KeyPair rootKeys, KeyPair issuingKeys) {
    }

    public static Generated generate(String trustDomain, Clock clock) {
        KeyPair rootKeys = newEcKeyPair();
        KeyPair issuingKeys = newEcKeyPair();
        Instant now = clock.instant();
        X500Name rootName = new X500Name("CN=ZeroUI KMS Root CA,O=ZeroUI,OU=" + trustDomain);
        X500Name issuingName = new X500Name("CN=ZeroUI KMS Issuing CA,O=ZeroUI,OU=" + trustDomain);
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder rootBuilder = new JcaX509v3CertificateBuilder(rootName, serial(),
                    Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(Duration.ofDays(3650))),
                    rootName, rootKeys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(1))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(rootKeys.getPublic()));
            X509Certificate root = sign(rootBuilder, rootKeys.getPrivate());
            X509v3CertificateBuilder issuingBuilder = new JcaX509v3CertificateBuilder(root, serial(),
                    Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(Duration.ofDays(1825))),
                    issuingName, issuingKeys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(issuingKeys.getPublic()))
                    .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(root));
            X509Certificate issuing = sign(issuingBuilder, rootKeys.getPrivate());
            return new Generated(new InternalCa(root, issuing, issuingKeys.getPrivate(), clock), rootKeys, issuingKeys);
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IllegalStateException("internal CA generation failed", e);
        }
    }

    public static KeyPair newEcKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("P-256 key generation failed", e);
        }
    }

    /** A TLS server certificate for localhost, 127.0.0.1, ::1 and each extra host name or IP. */
    public X509Certificate issueServer(PublicKey key, List<String> extraHostnames, Duration ttl) {
        List<GeneralName> names = new ArrayList<>();
        names.add(new GeneralName(GeneralName.dNSName, "localhost"));
        names.add(new GeneralName(GeneralName.iPAddress, "127.0.0.1"));
        names.add(new GeneralName(GeneralName.iPAddress, "::1"));
        for (String host : extraHostnames) {
            names.add(isIpLiteral(host) ? new GeneralName(GeneralName.iPAddress, host)
                    : new GeneralName(GeneralName.dNSName, host));
        }
        return issue(key, new X500Name("CN=kms,O=ZeroUI"), names, KeyPurposeId.id_kp_serverAuth,
                KeyUsage.digitalSignature, ttl, List.of());
    }

    /** A TLS client certificate whose URI SANs carry the caller identity and roles. */
    public X509Certificate issueClient(PublicKey key, String moduleId, List<String> uriSans, Duration ttl) {
        List<GeneralName> names = uriSans.stream().map(u -> new GeneralName(GeneralName.uniformResourceIdentifier, u)).toList();
        return issue(key, new X500Name("CN=" + moduleId + ",O=ZeroUI"), names, KeyPurposeId.id_kp_clientAuth,
                KeyUsage.digitalSignature, ttl, List.of());
    }

    /**
     * An end-entity certificate from the issuing CA: {@code sans} (none: no SAN extension), one
     * extended key usage, and {@code extra} extensions such as revocation pointers.
     */
    public X509Certificate issue(PublicKey key, X500Name subject, List<GeneralName> sans, KeyPurposeId purpose,
                                 int keyUsage, Duration ttl, List<Extension> extra) {
        Instant now = clock.instant();
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuing, serial(),
                    Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(ttl)), subject, key)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(keyUsage))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose))
                    .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(key))
                    .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(issuing));
            if (!sans.isEmpty()) {
                builder.addExtension(Extension.subjectAlternativeName, true, new GeneralNames(sans.toArray(GeneralName[]::new)));
            }
            for (Extension e : extra) {
                builder.addExtension(e);
            }
            return sign(builder, issuingKey);
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IllegalStateException("certificate issuance failed for " + subject, e);
        }
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signer) throws GeneralSecurityException {
        try {
            return new JcaX509CertificateConverter().getCertificate(builder.build(
                    new JcaContentSignerBuilder(SIGNATURE).build(signer)));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }

    /** 159 random bits: positive, unique in practice, within RFC 5280's 20-octet limit. */
    private static BigInteger serial() {
        return new BigInteger(159, RANDOM).setBit(158);
    }

    private static boolean isIpLiteral(String host) {
        if (!host.matches("[0-9.]+|[0-9a-fA-F:]+") || !host.matches(".*[.:].*")) {
            return false;
        }
        try {
            InetAddress.getByName(host);
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
