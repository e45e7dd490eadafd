package com.zeroui.kms.crypto;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSAPublicKey;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;

/**
 * Signing keys as JSON Web Keys and back: RSA-2048 as {@code kty: RSA} (n, e) with {@code alg: RS256}
 * (RFC 7518 §6.3), Ed25519 as {@code kty: OKP, crv: Ed25519} (x) with {@code alg: EdDSA} (RFC 8037), ML-DSA-65
 * as {@code kty: AKP} (pub) with {@code alg: ML-DSA-65} (draft-ietf-cose-dilithium), ECDSA-P256 as
 * {@code kty: EC, crv: P-256} (x, y) with {@code alg: ES256} (RFC 7518 §6.2.1). Each key type names its form
 * ({@link KeyType}).
 * nimbus-jose-jwt builds and parses the JWK objects; Bouncy Castle reads and writes the SPKI DER.
 */
public final class Jwks {
    private Jwks() {
    }

    /** A public key of a type the service signs with, as SPKI DER. */
    public record TypedPublicKey(KeyType type, byte[] spki) {
    }

    /** id-ml-dsa-65 (FIPS 204, NIST CSOR); spelled out because the FIPS module's OID tables predate it. */
    private static final ASN1ObjectIdentifier ID_ML_DSA_65 = new ASN1ObjectIdentifier("2.16.840.1.101.3.4.3.18");

    /** RSA public keys as {@code kty: RSA} (n, e), RFC 7518 §6.3. */
    static final PublicKeyForm RSA = new PublicKeyForm("RSA", null, (spki, kid, alg) -> {
        RSAPublicKey rsa = rsaPublicKey(SubjectPublicKeyInfo.getInstance(spki));
        return new RSAKey.Builder(Base64URL.encode(rsa.getModulus()), Base64URL.encode(rsa.getPublicExponent()))
                .keyID(kid).algorithm(JWSAlgorithm.parse(alg.apiName())).keyUse(KeyUse.SIGNATURE).build().toJSONObject();
    });

    /** Ed25519 public keys as {@code kty: OKP, crv: Ed25519} (x), RFC 8037. */
    static final PublicKeyForm OKP_ED25519 = new PublicKeyForm("OKP", "Ed25519", (spki, kid, alg) -> {
        SubjectPublicKeyInfo info = SubjectPublicKeyInfo.getInstance(spki);
        if (!EdECObjectIdentifiers.id_Ed25519.equals(info.getAlgorithm().getAlgorithm())) {
            throw new IllegalArgumentException("not an Ed25519 public key");
        }
        return new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(info.getPublicKeyData().getOctets()))
                .keyID(kid).algorithm(JWSAlgorithm.parse(alg.apiName())).keyUse(KeyUse.SIGNATURE).build().toJSONObject();
    });

    /**
     * ML-DSA public keys as {@code kty: AKP} ("algorithm key pair") with {@code pub}, the raw public
     * key (the SPKI's subjectPublicKey), per draft-ietf-cose-dilithium §6; {@code alg} is required there.
     */
    static final PublicKeyForm AKP = new PublicKeyForm("AKP", null, (spki, kid, alg) -> {
        SubjectPublicKeyInfo info = SubjectPublicKeyInfo.getInstance(spki);
        if (!ID_ML_DSA_65.equals(info.getAlgorithm().getAlgorithm())) {
            throw new IllegalArgumentException("not an ML-DSA-65 public key");
        }
        Map<String, Object> jwk = new LinkedHashMap<>();
        jwk.put("kty", "AKP");
        jwk.put("alg", alg.apiName());
        jwk.put("pub", Base64URL.encode(info.getPublicKeyData().getOctets()).toString());
        jwk.put("kid", kid);
        jwk.put("use", "sig");
        return jwk;
    });

    /**
     * P-256 public keys as {@code kty: EC, crv: P-256} (x, y), RFC 7518 §6.2.1: each coordinate the full
     * 32 bytes, unpadded base64url. Only the uncompressed point the providers write is accepted.
     */
    static final PublicKeyForm EC_P256 = new PublicKeyForm("EC", "P-256", (spki, kid, alg) -> {
        SubjectPublicKeyInfo info = SubjectPublicKeyInfo.getInstance(spki);
        if (!X9ObjectIdentifiers.id_ecPublicKey.equals(info.getAlgorithm().getAlgorithm())
                || !SECObjectIdentifiers.secp256r1.equals(info.getAlgorithm().getParameters())) {
            throw new IllegalArgumentException("not a P-256 public key");
        }
        byte[] point = info.getPublicKeyData().getOctets();
        if (point.length != 65 || point[0] != 0x04) {
            throw new IllegalArgumentException("not an uncompressed P-256 point");
        }
        return new ECKey.Builder(Curve.P_256, Base64URL.encode(Arrays.copyOfRange(point, 1, 33)),
                Base64URL.encode(Arrays.copyOfRange(point, 33, 65)))
                .keyID(kid).algorithm(JWSAlgorithm.parse(alg.apiName())).keyUse(KeyUse.SIGNATURE).build().toJSONObject();
    });

    /** The public JWK of a signing key: {@code kid}, {@code alg} (the type's default algorithm) and {@code use: sig}. */
    public static Map<String, Object> publicJwk(KeyType type, byte[] spki, String kid) {
        PublicKeyForm form = type.publicKeyForm().orElseThrow(() ->
                new IllegalArgumentException(type + " keys have no public key"));
        return form.jwk(spki, kid, SignatureAlgorithm.defaultFor(type));
    }

    /**
     * The public key in {@code jwk}, if it is one the service verifies with: an RSA-2048 key for RS256
     * or an Ed25519 key for EdDSA, public only, and for signatures when it says what it is for.
     *
     * @throws IllegalArgumentException naming what is wrong with the key
     */
    public static TypedPublicKey fromJwk(JWK jwk) {
        if (jwk.isPrivate()) {
            throw new IllegalArgumentException("holds private key material; trust only the public JWK");
        }
        if (jwk.getKeyUse() != null && !KeyUse.SIGNATURE.equals(jwk.getKeyUse())) {
            throw new IllegalArgumentException("has use " + jwk.getKeyUse().identifier() + ", not sig");
        }
        if (jwk instanceof RSAKey rsa) {
            requireAlgorithm(jwk, JWSAlgorithm.RS256);
            if (rsa.size() != KeyType.RSA_2048.sizeBits()) {
                throw new IllegalArgumentException("is an RSA key of " + rsa.size() + " bits; RS256 keys must be RSA-2048");
            }
            try {
                return new TypedPublicKey(KeyType.RSA_2048, rsa.toRSAPublicKey().getEncoded());
            } catch (JOSEException e) {
                throw new IllegalArgumentException("is not a valid RSA public key: " + e.getMessage(), e);
            }
        }
        if (jwk instanceof OctetKeyPair okp) {
            if (!Curve.Ed25519.equals(okp.getCurve())) {
                throw new IllegalArgumentException("is an OKP key on curve " + okp.getCurve() + "; only Ed25519 is accepted");
            }
            requireAlgorithm(jwk, JWSAlgorithm.EdDSA);
            byte[] x = okp.getDecodedX();
            if (x.length != 32) {
                throw new IllegalArgumentException("has an Ed25519 x of " + x.length + " bytes, not 32");
            }
            return new TypedPublicKey(KeyType.ED25519, encode(new SubjectPublicKeyInfo(
                    new AlgorithmIdentifier(EdECObjectIdentifiers.id_Ed25519), x)));
        }
        throw new IllegalArgumentException("has kty " + jwk.getKeyType() + "; only RSA (RS256) and OKP Ed25519 (EdDSA) are accepted");
    }

    private static void requireAlgorithm(JWK jwk, JWSAlgorithm expected) {
        if (jwk.getAlgorithm() != null && !expected.getName().equals(jwk.getAlgorithm().getName())) {
            throw new IllegalArgumentException("has alg " + jwk.getAlgorithm() + "; this key type verifies " + expected + " only");
        }
    }

    private static RSAPublicKey rsaPublicKey(SubjectPublicKeyInfo info) {
        if (!PKCSObjectIdentifiers.rsaEncryption.equals(info.getAlgorithm().getAlgorithm())) {
            throw new IllegalArgumentException("not an RSA public key");
        }
        try {
            return RSAPublicKey.getInstance(info.parsePublicKey());
        } catch (IOException e) {
            throw new IllegalArgumentException("malformed RSA public key", e);
        }
    }

    private static byte[] encode(SubjectPublicKeyInfo info) {
        try {
            return info.getEncoded();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
