package com.zeroui.kms.client.model;

/** Recovered plaintext. */
public record DecryptResult(byte[] plaintext, String keyId, String algorithm, String receiptId) {
    // byte[] components: compared by content, and never printed (they may be plaintext or key material)
    @Override
    public boolean equals(Object o) {
        return o instanceof DecryptResult other && java.util.Arrays.equals(plaintext, other.plaintext) && java.util.Objects.equals(keyId, other.keyId) && java.util.Objects.equals(algorithm, other.algorithm) && java.util.Objects.equals(receiptId, other.receiptId);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(plaintext) + 31 * java.util.Objects.hashCode(keyId) + 31 * java.util.Objects.hashCode(algorithm) + 31 * java.util.Objects.hashCode(receiptId);
    }

    @Override
    public String toString() {
        return "DecryptResult[plaintext=" + (plaintext == null ? "null" : plaintext.length + " bytes") + ", keyId=" + keyId + ", algorithm=" + algorithm + ", receiptId=" + receiptId + "]";
    }
}
