package com.zeroui.kms.client.jca;

import com.zeroui.kms.client.KmsClient;
import java.util.Objects;
import javax.crypto.SecretKey;

/** A handle on a KMS symmetric key ({@code AES} for Cipher, {@code HmacSHA256} for Mac); no material here. */
public final class KmsSecretKey implements SecretKey, KmsKeyHandle {
    private static final long serialVersionUID = 1L;
    private final transient KmsClient client;
    private final String keyId;
    private final String algorithm;

    public KmsSecretKey(KmsClient client, String keyId, String algorithm) {
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
        return "KmsSecretKey[" + algorithm + " " + keyId + "]";
    }
}
