package com.zeroui.kms.trust.validation;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Map;
import java.util.Set;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Encoding;
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
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;

/**
 * The algorithm allow-list, and signature verification through JCA (nothing hand-rolled).
 *
 * <p>Signatures: RSA PKCS#1 v1.5 and RSASSA-PSS with SHA-256/384/512, ECDSA with SHA-256/384/512,
 * Ed25519, Ed448. MD2/MD4/MD5/SHA-1 signatures are {@link ReasonCode#WEAK_ALGORITHM}; anything else
 * (DSA, SHA-224, GOST, …) is {@link ReasonCode#UNSUPPORTED_ALGORITHM}. Keys: RSA of at least 2048 bits,
 * EC on P-256, P-384 or P-521 (named curves only), Ed25519, Ed448.
 */
final class AlgorithmPolicy {
    static final int MIN_RSA_BITS = 2048;
    static final int MAX_RSA_BITS = 16384;

    private static final Map<ASN1ObjectIdentifier, String> SIGNATURES = Map.of(
            PKCSObjectIdentifiers.sha256WithRSAEncryption, "SHA256withRSA",
            PKCSObjectIdentifiers.sha384WithRSAEncryption, "SHA384withRSA",
            PKCSObjectIdentifiers.sha512WithRSAEncryption, "SHA512withRSA",
            X9ObjectIdentifiers.ecdsa_with_SHA256, "SHA256withECDSA",
            X9ObjectIdentifiers.ecdsa_with_SHA384, "SHA384withECDSA",
            X9ObjectIdentifiers.ecdsa_with_SHA512, "SHA512withECDSA",
            EdECObjectIdentifiers.id_Ed25519, "Ed25519",
            EdECObjectIdentifiers.id_Ed448, "Ed448");

    private static final Set<ASN1ObjectIdentifier> WEAK_SIGNATURES = Set.of(
            PKCSObjectIdentifiers.md2WithRSAEncryption,
            PKCSObjectIdentifiers.md4WithRSAEncryption,
            PKCSObjectIdentifiers.md5WithRSAEncryption,
            PKCSObjectIdentifiers.sha1WithRSAEncryption,
            OIWObjectIdentifiers.sha1WithRSA,
            OIWObjectIdentifiers.md5WithRSA,
            X9ObjectIdentifiers.ecdsa_with_SHA1,
            X9ObjectIdentifiers.id_dsa_with_sha1);

    /** PSS hash OID → JCA digest name and its output length. */
    private static final Map<ASN1ObjectIdentifier, String> PSS_HASHES = Map.of(
            NISTObjectIdentifiers.id_sha256, "SHA-256",
            NISTObjectIdentifiers.id_sha384, "SHA-384",
            NISTObjectIdentifiers.id_sha512, "SHA-512");

    private static final Set<ASN1ObjectIdentifier> STRONG_CURVES = Set.of(
            SECObjectIdentifiers.secp256r1, SECObjectIdentifiers.secp384r1, SECObjectIdentifiers.secp521r1);

    private static final Set<ASN1ObjectIdentifier> WEAK_CURVES = Set.of(
            SECObjectIdentifiers.secp192r1, SECObjectIdentifiers.secp224r1, SECObjectIdentifiers.secp160r1,
            SECObjectIdentifiers.secp112r1, SECObjectIdentifiers.secp128r1, SECObjectIdentifiers.secp224k1,
            SECObjectIdentifiers.secp192k1, SECObjectIdentifiers.secp160k1);

    private AlgorithmPolicy() {
    }

    /** Decodes a subject public key after checking it is on the allow-list and strong enough. */
    static PublicKey publicKey(SubjectPublicKeyInfo spki, int index, String who) throws ValidationFailure {
        ASN1ObjectIdentifier alg = spki.getAlgorithm().getAlgorithm();
        ASN1Encodable params = spki.getAlgorithm().getParameters();
        String jcaName;
        if (alg.equals(PKCSObjectIdentifiers.rsaEncryption) || alg.equals(PKCSObjectIdentifiers.id_RSASSA_PSS)) {
            if (alg.equals(PKCSObjectIdentifiers.rsaEncryption) && params != null && !DERNull.INSTANCE.equals(params)) {
                throw new ValidationFailure(ReasonCode.MALFORMED, index, who + " has RSA key parameters other than NULL");
            }
            BigInteger modulus;
            try {
                modulus = RSAPublicKey.getInstance(spki.parsePublicKey()).getModulus();
            } catch (IOException | RuntimeException e) {
                throw new ValidationFailure(ReasonCode.MALFORMED, index, who + " has an RSA public key that does not decode");
            }
            int bits = modulus.bitLength();
            if (bits < MIN_RSA_BITS) {
                throw new ValidationFailure(ReasonCode.WEAK_ALGORITHM, index,
                        who + " has a " + bits + "-bit RSA key; at least " + MIN_RSA_BITS + " bits are required");
            }
            if (bits > MAX_RSA_BITS) {
                throw new ValidationFailure(ReasonCode.UNSUPPORTED_ALGORITHM, index,
                        who + " has a " + bits + "-bit RSA key; at most " + MAX_RSA_BITS + " bits are accepted");
            }
            jcaName = alg.equals(PKCSObjectIdentifiers.rsaEncryption) ? "RSA" : "RSASSA-PSS";
        } else if (alg.equals(X9ObjectIdentifiers.id_ecPublicKey)) {
            if (!(params instanceof ASN1ObjectIdentifier curve)) {
                throw new ValidationFailure(ReasonCode.UNSUPPORTED_ALGORITHM, index,
                        who + " has an EC key with explicit or missing curve parameters; only named curves are accepted");
            }
            if (WEAK_CURVES.contains(curve)) {
                throw new ValidationFailure(ReasonCode.WEAK_ALGORITHM, index,
                        who + " has an EC key on curve " + curve.getId() + ", smaller than 256 bits");
            }
            if (!STRONG_CURVES.contains(curve)) {
                throw new ValidationFailure(ReasonCode.UNSUPPORTED_ALGORITHM, index,
                        who + " has an EC key on curve " + curve.getId() + "; P-256, P-384 and P-521 are accepted");
            }
            jcaName = "EC";
        } else if (alg.equals(EdECObjectIdentifiers.id_Ed25519) || alg.equals(EdECObjectIdentifiers.id_Ed448)) {
            if (params != null) {
                throw new ValidationFailure(ReasonCode.MALFORMED, index, who + " has EdDSA key parameters");
            }
            jcaName = alg.equals(EdECObjectIdentifiers.id_Ed25519) ? "Ed25519" : "Ed448";
        } else {
            throw new ValidationFailure(ReasonCode.UNSUPPORTED_ALGORITHM, index,
                    who + " has a public key of unsupported algorithm " + alg.getId());
        }
        try {
            return KeyFactory.getInstance(jcaName).generatePublic(new X509EncodedKeySpec(spki.getEncoded(ASN1Encoding.DER)));
        } catch (GeneralSecurityException | IOException e) {
            throw new ValidationFailure(ReasonCode.MALFORMED, index, who + " has a public key that does not decode");
        }
    }

    /**
     * Verifies {@code signature} over {@code signed} with {@code key}, after checking the algorithm is
     * allowed. {@code what} names the signed object in the failure ("certificate 1 (CN=…)", "CRL of …").
     * The {@code preferred} provider (AWS-LC where it loads: its ECDSA verification is many times faster
     * than the JDK's) is used when it offers the algorithm and takes the key; otherwise the JDK's.
     */
    static void verify(AlgorithmIdentifier algorithm, byte[] signed, byte[] signature, PublicKey key, Provider preferred,
                       int index, String what) throws ValidationFailure {
        Spec spec = specFor(algorithm, index, what);
        Signature verifier = initialized(spec, key, preferred);
        if (verifier == null) {
            throw new ValidationFailure(ReasonCode.BAD_SIGNATURE, index,
                    what + " is signed with " + spec.jcaName() + ", which the issuer's " + key.getAlgorithm()
                            + " key cannot verify");
        }
        boolean ok;
        try {
            verifier.update(signed);
            ok = verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            ok = false;
        }
        if (!ok) {
            throw new ValidationFailure(ReasonCode.BAD_SIGNATURE, index,
                    what + " has a signature that does not verify with the issuer's key");
        }
    }

    /** True when the signature verifies; algorithm policy failures still throw. */
    static boolean verifies(AlgorithmIdentifier algorithm, byte[] signed, byte[] signature, PublicKey key,
                            Provider preferred) throws ValidationFailure {
        try {
            verify(algorithm, signed, signature, key, preferred, -1, "signature");
            return true;
        } catch (ValidationFailure f) {
            if (f.reason() == ReasonCode.BAD_SIGNATURE) {
                return false;
            }
            throw f;
        }
    }

    /** A JCA signature name and its parameters (PSS only). */
    private record Spec(String jcaName, PSSParameterSpec parameters) {
    }

    /** A verifier initialised with the key, from the preferred provider if it can, else the JDK's; null if no one can. */
    private static Signature initialized(Spec spec, PublicKey key, Provider preferred) {
        if (preferred != null) {
            try {
                Signature s = Signature.getInstance(spec.jcaName(), preferred);
                if (spec.parameters() != null) {
                    s.setParameter(spec.parameters());
                }
                s.initVerify(key);
                return s;
            } catch (GeneralSecurityException | RuntimeException e) {
                // not offered or key not accepted there: the JDK decides
            }
        }
        try {
            Signature s = Signature.getInstance(spec.jcaName());
            if (spec.parameters() != null) {
                s.setParameter(spec.parameters());
            }
            s.initVerify(key);
            return s;
        } catch (GeneralSecurityException e) {
            return null;
        }
    }

    private static Spec specFor(AlgorithmIdentifier algorithm, int index, String what) throws ValidationFailure {
        ASN1ObjectIdentifier oid = algorithm.getAlgorithm();
        ASN1Encodable params = algorithm.getParameters();
        if (WEAK_SIGNATURES.contains(oid)) {
            throw new ValidationFailure(ReasonCode.WEAK_ALGORITHM, index,
                    what + " is signed with a weak algorithm (" + oid.getId() + ": MD5/SHA-1 signatures are refused)");
        }
        if (oid.equals(PKCSObjectIdentifiers.id_RSASSA_PSS)) {
            return pss(params, index, what);
        }
        String name = SIGNATURES.get(oid);
        if (name == null) {
            throw new ValidationFailure(ReasonCode.UNSUPPORTED_ALGORITHM, index,
                    what + " is signed with unsupported algorithm " + oid.getId());
        }
        boolean rsa = name.endsWith("withRSA");
        if (params != null && !(rsa && DERNull.INSTANCE.equals(params))) {
            throw new ValidationFailure(ReasonCode.MALFORMED, index,
                    what + " has unexpected parameters for signature algorithm " + name);
        }
        return new Spec(name, null);
    }

    private static Spec pss(ASN1Encodable params, int index, String what) throws ValidationFailure {
        RSASSAPSSparams pss;
        try {
            pss = RSASSAPSSparams.getInstance(params);
        } catch (RuntimeException e) {
            pss = null;
        }
        if (pss == null) {
            throw new ValidationFailure(ReasonCode.MALFORMED, index, what + " has RSASSA-PSS parameters that do not decode");
        }
        ASN1ObjectIdentifier hash = pss.getHashAlgorithm().getAlgorithm();
        if (hash.equals(OIWObjectIdentifiers.idSHA1)) {
            throw new ValidationFailure(ReasonCode.WEAK_ALGORITHM, index, what + " is signed with RSASSA-PSS over SHA-1");
        }
        String digest = PSS_HASHES.get(hash);
        if (digest == null) {
            throw new ValidationFailure(ReasonCode.UNSUPPORTED_ALGORITHM, index,
                    what + " uses RSASSA-PSS with unsupported hash " + hash.getId());
        }
        AlgorithmIdentifier mgf = pss.getMaskGenAlgorithm();
        if (!mgf.getAlgorithm().equals(PKCSObjectIdentifiers.id_mgf1)
                || !AlgorithmIdentifier.getInstance(mgf.getParameters()).getAlgorithm().equals(hash)) {
            throw new ValidationFailure(ReasonCode.UNSUPPORTED_ALGORITHM, index,
                    what + " uses RSASSA-PSS with a mask generation function other than MGF1 over " + digest);
        }
        if (pss.getTrailerField().intValue() != 1) {
            throw new ValidationFailure(ReasonCode.MALFORMED, index, what + " uses RSASSA-PSS with a trailer field other than 1");
        }
        return new Spec("RSASSA-PSS", new PSSParameterSpec(digest, "MGF1", new MGF1ParameterSpec(digest),
                pss.getSaltLength().intValueExact(), 1));
    }
}
