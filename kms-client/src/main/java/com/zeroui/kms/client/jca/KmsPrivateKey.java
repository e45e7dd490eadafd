package com.zeroui.kms.client.jca;

import com.zeroui.kms.client.KmsClient;
import java.security.PrivateKey;
import java.util.Objects;

/**
 * A handle on a KMS signing key: it names the key (id or {@code alias/<name>}) and the client that can use
 * it; the private key itself never leaves the service. {@link #getAlgorithm()} is the JCA family
 * ({@code RSA}, {@code Ed25519}, {@code ML-DSA-65}) so that libraries that pick a signer by key family
 * (nimbus-jose-jwt's {@code RSASSASigner}) accept it; it is deliberately not an {@code RSAPrivateKey}.
 */
public final class KmsPrivateKey implements PrivateKey, KmsKeyHandle {
    private static final long serialVersionUID = 1L;
    private final transient KmsClient client;
    private final String keyId;
    private final String algorithm;

    public KmsPrivateKey(KmsClient client, String keyId, String algorithm) {
        this.client = Objects.requireNonNull(client, "client");
        this.keyId = Objects.requireNonNull(keyId, "keyId");
        this.algorithm = Objects.requireNonNull(algorithm, "algorithm");
    }

    @Override
    public KmsClient client() {
        return client;
    }

    @Override
    public String keyId() {
        return keyId;
    }

    @Override
    public String getAlgorithm() {
        return algorithm;
    }

    /** No encoding: the material stays in the service. */
    @Override
    public String getFormat() {
        return null;
    }

    @Override
    public byte[] getEncoded() {
        return null;
    }

    @Override
    public String toString() {
        return "KmsPrivateKey[" + algorithm + " " + keyId + "]";
    }
}
