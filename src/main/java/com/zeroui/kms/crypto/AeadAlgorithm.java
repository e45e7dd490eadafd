package com.zeroui.kms.crypto;

import java.security.spec.AlgorithmParameterSpec;
import java.util.Arrays;
import java.util.Optional;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;

/**
 * Authenticated encryption with a 256-bit key, a 96-bit nonce and a 128-bit tag. Ciphertexts are
 * {@code ciphertext || tag}, the layout both JCA and RFC 8439 use.
 */
public enum AeadAlgorithm {
    /** NIST SP 800-38D. With random nonces a key must not exceed 2^32 encryptions. */
    AES_256_GCM("AES-256-GCM", "AES/GCM/NoPadding", "AES", KeyType.AES_256, true, null),
    /** RFC 8439. Software only: the token has no ChaCha20 mechanism. */
    CHACHA20_POLY1305("CHACHA20-POLY1305", "ChaCha20-Poly1305", "ChaCha20", KeyType.AES_256, false,
            "is not a FIPS 140-3 approved algorithm");

    public static final int NONCE_BYTES = 12;
    public static final int TAG_BYTES = 16;

    private final String apiName;
    private final String transformation;
    private final String keyAlgorithm;
    private final KeyType keyType;
    private final boolean inHsm;
    private final String notInFips;

    AeadAlgorithm(String apiName, String transformation, String keyAlgorithm, KeyType keyType, boolean inHsm,
                  String notInFips) {
        this.apiName = apiName;
        this.transformation = transformation;
        this.keyAlgorithm = keyAlgorithm;
        this.keyType = keyType;
        this.inHsm = inHsm;
        this.notInFips = notInFips;
    }

    /** The key type whose secret this algorithm uses. */
    public KeyType keyType() {
        return keyType;
    }

    /** Whether the token runs it for keys at protection level hsm. */
    public boolean inHsm() {
        return inHsm;
    }

    /** Why FIPS mode refuses it (completing "{@code <name>} ..."), or empty when approved. */
    public java.util.Optional<String> notInFipsModule() {
        return java.util.Optional.ofNullable(notInFips);
    }

    public String apiName() {
        return apiName;
    }

    public String transformation() {
        return transformation;
    }

    /** The JCA name of the secret key this cipher is initialised with. */
    public String keyAlgorithm() {
        return keyAlgorithm;
    }

    public AlgorithmParameterSpec parameters(byte[] nonce) {
        return this == AES_256_GCM ? new GCMParameterSpec(TAG_BYTES * 8, nonce) : new IvParameterSpec(nonce);
    }

    public static Optional<AeadAlgorithm> fromApiName(String name) {
        return Arrays.stream(values()).filter(a -> a.apiName.equals(name)).findFirst();
    }

    @Override
    public String toString() {
        return apiName;
    }
}
