package com.zeroui.kms.support;

import com.zeroui.kms.crypto.Pem;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificates for trust-store tests, made with Bouncy Castle: a CA certificate by default, and
 * every way of getting one wrong (no CA flag, no keyCertSign, weak keys and digests, validity).
 */
public final class TestCertificates {
    /** Used only to make keys and signatures the JDK no longer offers (small curves, PSS over SHA-1). */
    public static final Provider BC = new BouncyCastleProvider();
    private static final SecureRandom RANDOM = new SecureRandom();

    private TestCertificates() {
    }

    public record Issued(X509Certificate certificate, KeyPair keys) {
        public String pem() {
            return Pem.certificate(certificate);
        }
    }

    public static KeyPair ec(String curve) {
        return generate("EC", new ECGenParameterSpec(curve), null);
    }

    public static KeyPair rsa(int bits) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(bits);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static KeyPair ed25519() {
        return generate("Ed25519", null, null);
    }

    public static KeyPair dsa(int bits) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("DSA");
            g.initialize(bits);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An EC key on a curve only Bouncy Castle still generates. */
    public static KeyPair legacyEc(String curve) {
        return generate("EC", new ECGenParameterSpec(curve), BC);
    }

    private static KeyPair generate(String algorithm, ECGenParameterSpec spec, Provider provider) {
        try {
            KeyPairGenerator g = provider == null ? KeyPairGenerator.getInstance(algorithm)
                    : KeyPairGenerator.getInstance(algorithm, provider);
            if (spec != null) {
                g.initialize(spec);
            }
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Builder ca(String commonName) {
        return new Builder(commonName);
    }

    /** A self-signed P-256 CA certificate (cA=true, keyCertSign|cRLSign, valid from yesterday for a year) unless told otherwise. */
    public static final class Builder {
        private final X500Name subject;
        private KeyPair keys;
        private String signatureAlgorithm;
        private Provider signatureProvider;
        private Boolean ca = true;
        private Integer keyUsage = KeyUsage.keyCertSign | KeyUsage.cRLSign;
        private Instant notBefore = Instant.now().minus(Duration.ofDays(1));
        private Instant notAfter = Instant.now().plus(Duration.ofDays(365));
        private X500Name issuer;
        private PrivateKey issuerKey;

        private Builder(String commonName) {
            this.subject = new X500Name("CN=" + commonName + ",O=Trust Store Tests");
        }

        public Builder keys(KeyPair k) {
            this.keys = k;
            return this;
        }

        public Builder signatureAlgorithm(String name) {
            this.signatureAlgorithm = name;
            return this;
        }

        /** Signs with Bouncy Castle's implementation (for algorithms the JDK refuses to sign with). */
        public Builder signedWithBouncyCastle() {
            this.signatureProvider = BC;
            return this;
        }

        /** null: no basicConstraints extension at all. */
        public Builder ca(Boolean isCa) {
            this.ca = isCa;
            return this;
        }

        /** null: no keyUsage extension at all. */
        public Builder keyUsage(Integer usage) {
            this.keyUsage = usage;
            return this;
        }

        public Builder validity(Instant from, Instant to) {
            this.notBefore = from;
            this.notAfter = to;
            return this;
        }

        public Builder issuedBy(Issued parent) {
            this.issuer = X500Name.getInstance(parent.certificate().getSubjectX500Principal().getEncoded());
            this.issuerKey = parent.keys().getPrivate();
            return this;
        }

        /** Names itself as issuer but is signed by another key: a self-issued certificate whose signature fails. */
        public Builder selfIssuedButSignedBy(PrivateKey otherKey) {
            this.issuer = subject;
            this.issuerKey = otherKey;
            return this;
        }

        public Issued build() {
            KeyPair k = keys == null ? ec("secp256r1") : keys;
            PrivateKey signer = issuerKey == null ? k.getPrivate() : issuerKey;
            String algorithm = signatureAlgorithm == null ? defaultAlgorithm(signer) : signatureAlgorithm;
            try {
                X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer == null ? subject : issuer,
                        new BigInteger(127, RANDOM).setBit(126), Date.from(notBefore), Date.from(notAfter), subject,
                        k.getPublic());
                if (ca != null) {
                    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
                }
                if (keyUsage != null) {
                    b.addExtension(Extension.keyUsage, true, new KeyUsage(keyUsage));
                }
                JcaContentSignerBuilder contentSigner = new JcaContentSignerBuilder(algorithm);
                if (signatureProvider != null) {
                    contentSigner.setProvider(signatureProvider);
                }
                X509Certificate cert = new JcaX509CertificateConverter().getCertificate(b.build(contentSigner.build(signer)));
                return new Issued(cert, k);
            } catch (Exception e) {
                throw new IllegalStateException("test certificate " + subject + " could not be made", e);
            }
        }

        private static String defaultAlgorithm(PrivateKey key) {
            return switch (key.getAlgorithm()) {
                case "RSA" -> "SHA256withRSA";
                case "EC" -> "SHA256withECDSA";
                case "DSA" -> "SHA256withDSA";
                default -> "Ed25519";
            };
        }
    }
}
