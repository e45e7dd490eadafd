package com.zeroui.kms.client.jca;

import com.zeroui.kms.client.KmsClient;
import java.security.PublicKey;
import java.util.Objects;

/**
 * A KMS key named for verification by the service ({@code POST /verify}): for algorithms the local JDK
 * cannot verify (ML-DSA-65 on Java 17). For RSA and Ed25519, {@link KmsProvider#publicKey} gives a plain
 * JDK public key that verifies anywhere, without the service.
 */
public final class KmsPublicKey implements PublicKey, KmsKeyHandle {
    private static final long serialVersionUID = 1L;
    private final transient KmsClient client;
    private final String keyId;
    private final String algorithm;
    private final byte[] encoded;

    public KmsPublicKey(KmsClient client, String keyId, String algorithm, byte[] spki) {
        this.client = Objects.requireNonNull(client, "client");
        this.keyId = Objects.requireNonNull(keyId, "keyId");
        this.algorithm = Objects.requireNonNull(algorithm, "algorithm");
        this.encoded = spki == null ? null : spki.clone();
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

    @Override
    public String getFormat() {
        return encoded == null ? null : "X.509";
    }

    @Override
    public byte[] getEncoded() {
        return encoded == null ? null : encoded.clone();
    }
}
