package com.zeroui.kms.client.jca;

import com.zeroui.kms.client.KmsClient;
import java.io.Serializable;
import java.util.Objects;

/** What every KMS key handle is: a key id, its JCA algorithm and the client that may use it; never material. */
abstract class KeyReference implements KmsKeyHandle, Serializable {
    private static final long serialVersionUID = 1L;
    private final transient KmsClient client;
    private final String keyId;
    private final String algorithm;

    KeyReference(KmsClient client, String keyId, String algorithm) {
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

    public String getAlgorithm() {
        return algorithm;
    }

    /** No encoding: the material stays in the service. */
    public String getFormat() {
        return null;
    }

    public byte[] getEncoded() {
        return null;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + algorithm + " " + keyId + "]";
    }
}
