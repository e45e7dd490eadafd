package com.zeroui.kms.trust.anchors;

import com.zeroui.kms.crypto.Digests;
import com.zeroui.kms.crypto.Pem;
import com.zeroui.kms.error.ErrorCode;
import com.zeroui.kms.error.KmsException;
import java.io.IOException;
import java.io.StringReader;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.oiw.OIWObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSAPublicKey;
import org.bouncycastle.asn1.pkcs.RSASSAPSSparams;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.operator.DefaultAlgorithmNameFinder;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;

/**
 * What a certificate must be to become a trust anchor, checked in this order; the first failure is
 * a 400 INVALID_REQUEST whose {@code details.reason} names it:
 * {@code malformed_pem}, {@code multiple_certificates}, {@code malformed_certificate},
 * {@code weak_signature} (MD2/MD4/MD5/SHA-1), {@code unsupported_signature_algorithm},
 * {@code weak_key} (RSA below 2048 bits, EC below 256), {@code unsupported_key_algorithm},
 * {@code not_a_ca} (basicConstraints absent or cA false), {@code missing_key_cert_sign}
 * (keyUsage absent or without keyCertSign), {@code expired}, {@code not_yet_valid},
 * {@code root_not_self_signed} (type root), {@code bad_self_signature} (a self-issued certificate
 * whose signature does not verify with its own key). Parsing is Bouncy Castle's, DER-strict.
 */
public final class AnchorCertificatePolicy {
    public static final int MIN_RSA_BITS = 2048;
    public static final int MIN_EC_BITS = 256;

    /** Signature algorithms accepted as they are (RSASSA-PSS is judged by its hash). */
    private static final Set<ASN1ObjectIdentifier> STRONG_SIGNATURES = Set.of(
            PKCSObjectIdentifiers.sha256WithRSAEncryption, PKCSObjectIdentifiers.sha384WithRSAEncryption,
            PKCSObjectIdentifiers.sha512WithRSAEncryption, X9ObjectIdentifiers.ecdsa_with_SHA256,
            X9ObjectIdentifiers.ecdsa_with_SHA384, X9ObjectIdentifiers.ecdsa_with_SHA512,
            EdECObjectIdentifiers.id_Ed25519, EdECObjectIdentifiers.id_Ed448);
    /** Broken digests (collisions are practical or close): refused by name. */
    private static final Set<ASN1ObjectIdentifier> WEAK_SIGNATURES = Set.of(
            PKCSObjectIdentifiers.md2WithRSAEncryption, PKCSObjectIdentifiers.md4WithRSAEncryption,
            PKCSObjectIdentifiers.md5WithRSAEncryption, PKCSObjectIdentifiers.sha1WithRSAEncryption,
            OIWObjectIdentifiers.sha1WithRSA, OIWObjectIdentifiers.md5WithRSA, X9ObjectIdentifiers.ecdsa_with_SHA1,
            X9ObjectIdentifiers.id_dsa_with_sha1);
    private static final Set<ASN1ObjectIdentifier> STRONG_PSS_HASHES = Set.of(
            NISTObjectIdentifiers.id_sha256, NISTObjectIdentifiers.id_sha384, NISTObjectIdentifiers.id_sha512);
    private static final Set<ASN1ObjectIdentifier> ACCEPTED_CURVES = Set.of(
            SECObjectIdentifiers.secp256r1, SECObjectIdentifiers.secp384r1, SECObjectIdentifiers.secp521r1);

    /** A certificate that passed every check, with what the store keeps about it. */
    public record Accepted(String pem, String fingerprintSha256, String subject,
                           Instant notBefore, Instant notAfter, int keySizeBits) {
    }

    public Accepted accept(String pem, AnchorType type, Instant now) {
        byte[] der = singleCertificateBlock(pem);
        X509CertificateHolder holder;
        X509Certificate certificate;
        try {
            holder = new X509CertificateHolder(der);
            certificate = new JcaX509CertificateConverter().getCertificate(holder);
        } catch (IOException | CertificateException | RuntimeException e) {
            throw refuse("malformed_certificate", "certificate_pem does not hold a DER X.509 certificate", Map.of());
        }
        checkSignatureAlgorithm(holder.getSignatureAlgorithm());
        int keyBits = checkKey(holder.getSubjectPublicKeyInfo());
        checkCa(holder);
        Instant notBefore = holder.getNotBefore().toInstant();
        Instant notAfter = holder.getNotAfter().toInstant();
        if (now.isAfter(notAfter)) {
            throw refuse("expired", "the certificate expired at " + notAfter, Map.of("not_after", notAfter.toString()));
        }
        if (now.isBefore(notBefore)) {
            throw refuse("not_yet_valid", "the certificate is not valid before " + notBefore,
                    Map.of("not_before", notBefore.toString()));
        }
        boolean selfIssued = holder.getSubject().equals(holder.getIssuer());
        if (type == AnchorType.ROOT && !selfIssued) {
            throw refuse("root_not_self_signed", "anchor_type root needs a self-signed certificate; this one is issued by "
                    + holder.getIssuer() + " (use external_ca or internal_ca for an intermediate)", Map.of());
        }
        if (selfIssued && !signedByItself(certificate)) {
            throw refuse("bad_self_signature", "the certificate names itself as issuer but its signature does not"
                    + " verify with its own key", Map.of());
        }
        String subject = holder.getSubject().toString();
        if (subject.length() > 2000) {
            subject = subject.substring(0, 2000) + "…";
        }
        return new Accepted(Pem.encode("CERTIFICATE", der), Digests.sha256Hex(der), subject, notBefore, notAfter,
                keyBits);
    }

    /** The DER of the one CERTIFICATE block; anything else in the PEM text is refused. */
    private static byte[] singleCertificateBlock(String pem) {
        List<PemObject> blocks = new ArrayList<>();
        try (PemReader reader = new PemReader(new StringReader(pem))) {
            for (PemObject o = reader.readPemObject(); o != null; o = reader.readPemObject()) {
                blocks.add(o);
            }
        } catch (IOException | RuntimeException e) {
            throw refuse("malformed_pem", "certificate_pem is not well-formed PEM (RFC 7468): a BEGIN line without"
                    + " its END line or a body that is not base64", Map.of());
        }
        if (blocks.isEmpty()) {
            throw refuse("malformed_pem", "certificate_pem holds no PEM block; expected one"
                    + " -----BEGIN CERTIFICATE----- block", Map.of());
        }
        for (PemObject block : blocks) {
            if (!"CERTIFICATE".equals(block.getType())) {
                // name the block type only: a pasted private key must not be echoed or logged
                throw refuse("malformed_pem", "certificate_pem holds a " + block.getType()
                        + " block; only one CERTIFICATE block is accepted", Map.of("pem_type", block.getType()));
            }
        }
        if (blocks.size() > 1) {
            throw refuse("multiple_certificates", "certificate_pem holds " + blocks.size()
                    + " certificates; add each anchor on its own", Map.of("certificates", blocks.size()));
        }
        return blocks.get(0).getContent();
    }

    private static void checkSignatureAlgorithm(AlgorithmIdentifier algorithm) {
        ASN1ObjectIdentifier oid = algorithm.getAlgorithm();
        String name = new DefaultAlgorithmNameFinder().getAlgorithmName(algorithm);
        if (STRONG_SIGNATURES.contains(oid)) {
            return;
        }
        if (WEAK_SIGNATURES.contains(oid)) {
            throw refuse("weak_signature", "the certificate is signed with " + name
                    + ", a broken digest; use SHA-256 or stronger", Map.of("signature_algorithm", name));
        }
        if (PKCSObjectIdentifiers.id_RSASSA_PSS.equals(oid)) {
            // absent parameters mean the RFC 4055 defaults: SHA-1
            ASN1ObjectIdentifier hash = algorithm.getParameters() == null || algorithm.getParameters() instanceof DERNull
                    ? OIWObjectIdentifiers.idSHA1
                    : RSASSAPSSparams.getInstance(algorithm.getParameters()).getHashAlgorithm().getAlgorithm();
            if (STRONG_PSS_HASHES.contains(hash)) {
                return;
            }
            throw refuse("weak_signature", "the certificate is signed with RSASSA-PSS over a hash other than"
                    + " SHA-256/384/512", Map.of("signature_algorithm", "RSASSA-PSS"));
        }
        throw refuse("unsupported_signature_algorithm", "the certificate is signed with " + name + "; accepted: RSA"
                + " PKCS#1 v1.5 or PSS with SHA-256/384/512, ECDSA with SHA-256/384/512, Ed25519, Ed448",
                Map.of("signature_algorithm", name));
    }

    /** The key's size in bits, if the key is acceptable. */
    private static int checkKey(SubjectPublicKeyInfo spki) {
        ASN1ObjectIdentifier oid = spki.getAlgorithm().getAlgorithm();
        try {
            if (PKCSObjectIdentifiers.rsaEncryption.equals(oid) || PKCSObjectIdentifiers.id_RSASSA_PSS.equals(oid)) {
                int bits = RSAPublicKey.getInstance(spki.parsePublicKey()).getModulus().bitLength();
                if (bits < MIN_RSA_BITS) {
                    throw refuse("weak_key", "the certificate's RSA key has " + bits + " bits; at least " + MIN_RSA_BITS
                            + " are required", Map.of("key_size_bits", bits));
                }
                return bits;
            }
            if (X9ObjectIdentifiers.id_ecPublicKey.equals(oid)) {
                if (!(spki.getAlgorithm().getParameters() instanceof ASN1ObjectIdentifier curve)) {
                    throw refuse("unsupported_key_algorithm", "the certificate's EC key has explicit curve"
                            + " parameters; only the named curves P-256, P-384 and P-521 are accepted", Map.of());
                }
                X9ECParameters parameters = ECNamedCurveTable.getByOID(curve);
                int bits = parameters == null ? 0 : parameters.getCurve().getFieldSize();
                if (ACCEPTED_CURVES.contains(curve)) {
                    return bits;
                }
                String curveName = ECNamedCurveTable.getName(curve) == null ? curve.getId() : ECNamedCurveTable.getName(curve);
                if (bits > 0 && bits < MIN_EC_BITS) {
                    throw refuse("weak_key", "the certificate's EC key is on " + curveName + " (" + bits
                            + " bits); at least " + MIN_EC_BITS + " are required", Map.of("key_size_bits", bits));
                }
                throw refuse("unsupported_key_algorithm", "the certificate's EC key is on " + curveName
                        + "; accepted curves: P-256, P-384, P-521", Map.of("curve", curveName));
            }
            if (EdECObjectIdentifiers.id_Ed25519.equals(oid)) {
                return 256;
            }
            if (EdECObjectIdentifiers.id_Ed448.equals(oid)) {
                return 456;
            }
        } catch (IOException | IllegalArgumentException e) {
            throw refuse("malformed_certificate", "the certificate's public key cannot be decoded", Map.of());
        }
        String name = new DefaultAlgorithmNameFinder().getAlgorithmName(oid);
        throw refuse("unsupported_key_algorithm", "the certificate's key is " + name + "; accepted: RSA (2048 bits or"
                + " more), EC P-256/P-384/P-521, Ed25519, Ed448", Map.of("key_algorithm", name));
    }

    private static void checkCa(X509CertificateHolder holder) {
        Extension basic = holder.getExtension(Extension.basicConstraints);
        if (basic == null) {
            throw refuse("not_a_ca", "the certificate has no basicConstraints extension, so it is not a CA"
                    + " certificate (RFC 5280 4.2.1.9)", Map.of());
        }
        BasicConstraints constraints;
        KeyUsage usage;
        try {
            constraints = BasicConstraints.getInstance(basic.getParsedValue());
            usage = KeyUsage.fromExtensions(holder.getExtensions());
        } catch (IllegalArgumentException e) {
            throw refuse("malformed_certificate", "the certificate's basicConstraints or keyUsage extension cannot be"
                    + " decoded", Map.of());
        }
        if (!constraints.isCA()) {
            throw refuse("not_a_ca", "the certificate's basicConstraints says cA=false: it is an end-entity"
                    + " certificate, not a CA", Map.of());
        }
        if (usage == null) {
            throw refuse("missing_key_cert_sign", "the certificate has no keyUsage extension; a CA certificate must"
                    + " assert keyCertSign (RFC 5280 4.2.1.3)", Map.of());
        }
        if (!usage.hasUsages(KeyUsage.keyCertSign)) {
            throw refuse("missing_key_cert_sign", "the certificate's keyUsage does not include keyCertSign, so it may"
                    + " not sign certificates", Map.of());
        }
    }

    private static boolean signedByItself(X509Certificate certificate) {
        try {
            certificate.verify(certificate.getPublicKey());
            return true;
        } catch (java.security.GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }


    private static KmsException refuse(String reason, String message, Map<String, Object> more) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("field", "certificate_pem");
        details.put("reason", reason);
        details.putAll(more);
        return new KmsException(ErrorCode.INVALID_REQUEST, message, details);
    }
}
