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
    AES_256_GCM("AES-256-GCM", "AES/GCM/NoPadding", "AES"),
    /** RFC 8439. */
    CHACHA20_POLY1305("CHACHA20-POLY1305", "ChaCha20-Poly1305", "ChaCha20");

    public static final int NONCE_BYTES = 12;
    public static final int TAG_BYTES = 16;

    private final String apiName;
    private final String transformation;
    private final String keyAlgorithm;

    AeadAlgorithm(String apiName, String transformation, String keyAlgorithm) {
        this.apiName = apiName;
        this.transformation = transformation;
        this.keyAlgorithm = keyAlgorithm;
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
