package com.zeroui.kms.crypto;

import java.util.Arrays;
import java.util.Optional;

/** Message authentication codes, by the names the API uses; tags are full length (never truncated). */
public enum MacAlgorithm {
    /** HMAC with SHA-256 (RFC 2104, FIPS 198-1): 32-byte tags. */
    HMAC_SHA256("HMAC-SHA256", "HmacSHA256", KeyType.HMAC_SHA256, 32);

    private final String apiName;
    private final String jcaName;
    private final KeyType keyType;
    private final int tagLength;

    MacAlgorithm(String apiName, String jcaName, KeyType keyType, int tagLength) {
        this.apiName = apiName;
        this.jcaName = jcaName;
        this.keyType = keyType;
        this.tagLength = tagLength;
    }

    public String apiName() {
        return apiName;
    }

    /** The JCA Mac name, also the secret key's algorithm. */
    public String jcaName() {
        return jcaName;
    }

    public KeyType keyType() {
        return keyType;
    }

    public int tagLength() {
        return tagLength;
    }

    public static Optional<MacAlgorithm> fromApiName(String name) {
        return Arrays.stream(values()).filter(a -> a.apiName.equals(name)).findFirst();
    }

    @Override
    public String toString() {
        return apiName;
    }
}
