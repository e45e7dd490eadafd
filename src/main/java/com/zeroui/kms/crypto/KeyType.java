package com.zeroui.kms.crypto;

import java.util.Arrays;
import java.util.Optional;

/** The key types the service generates, named as in the spec. */
public enum KeyType {
    RSA_2048("RSA-2048", "RSA", 2048, true),
    ED25519("Ed25519", "Ed25519", 256, true),
    AES_256("AES-256", "AES", 256, false);

    private final String apiName;
    private final String jcaAlgorithm;
    private final int sizeBits;
    private final boolean asymmetric;

    KeyType(String apiName, String jcaAlgorithm, int sizeBits, boolean asymmetric) {
        this.apiName = apiName;
        this.jcaAlgorithm = jcaAlgorithm;
        this.sizeBits = sizeBits;
        this.asymmetric = asymmetric;
    }

    public String apiName() {
        return apiName;
    }

    public String jcaAlgorithm() {
        return jcaAlgorithm;
    }

    public int sizeBits() {
        return sizeBits;
    }

    public boolean isAsymmetric() {
        return asymmetric;
    }

    public static Optional<KeyType> fromApiName(String name) {
        return Arrays.stream(values()).filter(t -> t.apiName.equals(name)).findFirst();
    }

    @Override
    public String toString() {
        return apiName;
    }
}
