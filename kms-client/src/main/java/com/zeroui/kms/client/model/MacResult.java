package com.zeroui.kms.client.model;

/** An HMAC tag. */
public record MacResult(byte[] mac, String keyId, String algorithm, String receiptId) {
    // byte[] components: compared by content, and never printed (they may be plaintext or key material)
    @Override
    public boolean equals(Object o) {
        return o instanceof MacResult other && java.util.Arrays.equals(mac, other.mac) && java.util.Objects.equals(keyId, other.keyId) && java.util.Objects.equals(algorithm, other.algorithm) && java.util.Objects.equals(receiptId, other.receiptId);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(mac) + 31 * java.util.Objects.hashCode(keyId) + 31 * java.util.Objects.hashCode(algorithm) + 31 * java.util.Objects.hashCode(receiptId);
    }

    @Override
    public String toString() {
        return "MacResult[mac=" + (mac == null ? "null" : mac.length + " bytes") + ", keyId=" + keyId + ", algorithm=" + algorithm + ", receiptId=" + receiptId + "]";
    }
}
