package com.zeroui.kms.client.model;

/** A signature and the receipt of its creation. */
public record SignResult(byte[] signature, String keyId, String algorithm, String receiptId) {
    // byte[] components: compared by content, and never printed (they may be plaintext or key material)
    @Override
    public boolean equals(Object o) {
        return o instanceof SignResult other && java.util.Arrays.equals(signature, other.signature) && java.util.Objects.equals(keyId, other.keyId) && java.util.Objects.equals(algorithm, other.algorithm) && java.util.Objects.equals(receiptId, other.receiptId);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(signature) + 31 * java.util.Objects.hashCode(keyId) + 31 * java.util.Objects.hashCode(algorithm) + 31 * java.util.Objects.hashCode(receiptId);
    }

    @Override
    public String toString() {
        return "SignResult[signature=" + (signature == null ? "null" : signature.length + " bytes") + ", keyId=" + keyId + ", algorithm=" + algorithm + ", receiptId=" + receiptId + "]";
    }
}
