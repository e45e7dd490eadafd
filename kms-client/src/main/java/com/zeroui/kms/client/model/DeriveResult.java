package com.zeroui.kms.client.model;

/** Derived bytes (null when they were stored as a new key, named by {@code keyId}). */
public record DeriveResult(String method, int length, String keyId, byte[] derived, String receiptId) {
    // byte[] components: compared by content, and never printed (they may be plaintext or key material)
    @Override
    public boolean equals(Object o) {
        return o instanceof DeriveResult other && java.util.Objects.equals(method, other.method) && java.util.Objects.equals(length, other.length) && java.util.Objects.equals(keyId, other.keyId) && java.util.Arrays.equals(derived, other.derived) && java.util.Objects.equals(receiptId, other.receiptId);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hashCode(method) + 31 * java.util.Objects.hashCode(length) + 31 * java.util.Objects.hashCode(keyId) + 31 * java.util.Arrays.hashCode(derived) + 31 * java.util.Objects.hashCode(receiptId);
    }

    @Override
    public String toString() {
        return "DeriveResult[method=" + method + ", length=" + length + ", keyId=" + keyId + ", derived=" + (derived == null ? "null" : derived.length + " bytes") + ", receiptId=" + receiptId + "]";
    }
}
