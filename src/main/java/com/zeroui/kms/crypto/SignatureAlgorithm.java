package com.zeroui.kms.crypto;

import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.Arrays;
import java.util.Optional;

/**
 * Signature algorithms by their JOSE names. Each signs the raw message (the provider hashes it),
 * so an RS256, EdDSA or ES256 signature over a JWT signing input is a valid JWS signature.
 */
public enum SignatureAlgorithm {
    /** RSASSA-PKCS1-v1_5 with SHA-256 (RFC 8017 §8.2). */
    RS256("RS256", "SHA256withRSA", KeyType.RSA_2048, null, 256),
    /** RSASSA-PSS with SHA-256, MGF1-SHA-256 and a 32-byte salt (RFC 8017 §8.1, RFC 7518 §3.5). */
    PS256("PS256", "RSASSA-PSS", KeyType.RSA_2048,
            new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1), 256),
    /** Pure Ed25519 (RFC 8032); signatures are exactly 64 bytes. */
    EDDSA("EdDSA", "Ed25519", KeyType.ED25519, null, 64),
    /**
     * Pure ML-DSA-65 (FIPS 204, empty context); signatures are exactly 3,309 bytes. The JOSE name is
     * the one draft-ietf-cose-dilithium registers; the JCA name is the parameter-set-free one both Bouncy
     * Castle and ACCP register (the key fixes the parameter set).
     */
    ML_DSA_65("ML-DSA-65", "ML-DSA", KeyType.ML_DSA_65, null, 3309),
    /**
     * ECDSA on P-256 with SHA-256 (RFC 7518 §3.4): on the wire the 64-byte {@code r‖s}; the providers
     * sign and verify DER ({@link SignatureEncoding#p1363}). Signatures are randomized (not RFC 6979).
     */
    ES256("ES256", "SHA256withECDSA", KeyType.ECDSA_P256, null, 64, SignatureEncoding.p1363(32));

    private final String apiName;
    private final String jcaName;
    private final KeyType keyType;
    private final AlgorithmParameterSpec parameters;
    private final int signatureLength;
    private final SignatureEncoding encoding;

    SignatureAlgorithm(String apiName, String jcaName, KeyType keyType, AlgorithmParameterSpec parameters,
                       int signatureLength) {
        this(apiName, jcaName, keyType, parameters, signatureLength, SignatureEncoding.AS_PROVIDED);
    }

    SignatureAlgorithm(String apiName, String jcaName, KeyType keyType, AlgorithmParameterSpec parameters,
                       int signatureLength, SignatureEncoding encoding) {
        this.apiName = apiName;
        this.jcaName = jcaName;
        this.keyType = keyType;
        this.parameters = parameters;
        this.signatureLength = signatureLength;
        this.encoding = encoding;
    }

    public String apiName() {
        return apiName;
    }

    public String jcaName() {
        return jcaName;
    }

    public KeyType keyType() {
        return keyType;
    }

    /** Provider parameters, or null when the algorithm takes none. */
    public AlgorithmParameterSpec parameters() {
        return parameters;
    }

    /**
     * The only valid signature length. Checked before the provider sees the signature: JDK 17
     * accepts an Ed25519 signature with a trailing zero byte (JDK-8285389).
     */
    public int signatureLength() {
        return signatureLength;
    }

    /**
     * How wire signatures map to the provider's ({@link SignatureEncoding#AS_PROVIDED} but for ECDSA).
     * Every caller of a JCA {@code Signature} for this algorithm goes through it.
     */
    public SignatureEncoding encoding() {
        return encoding;
    }

    public static Optional<SignatureAlgorithm> fromApiName(String name) {
        return Arrays.stream(values()).filter(a -> a.apiName.equals(name)).findFirst();
    }

    /** The type's first declared algorithm. */
    public static SignatureAlgorithm defaultFor(KeyType type) {
        return type.signatureAlgorithms().stream().findFirst()
                .orElseThrow(() -> new IllegalArgumentException(type + " keys do not sign"));
    }

    @Override
    public String toString() {
        return apiName;
    }
}
