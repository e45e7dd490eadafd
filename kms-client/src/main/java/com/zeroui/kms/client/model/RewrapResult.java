package com.zeroui.kms.client.model;

/** A ciphertext blob re-encrypted under another key (or the successor) without the plaintext leaving the service. */
public record RewrapResult(byte[] ciphertextBlob, String keyId, String sourceKeyId, String receiptId) {
    // byte[] components: compared by content, and never printed (they may be plaintext or key material)
    @Override
    public boolean equals(Object o) {
        return o instanceof RewrapResult other && java.util.Arrays.equals(ciphertextBlob, other.ciphertextBlob) && java.util.Objects.equals(keyId, other.keyId) && java.util.Objects.equals(sourceKeyId, other.sourceKeyId) && java.util.Objects.equals(receiptId, other.receiptId);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(ciphertextBlob) + 31 * java.util.Objects.hashCode(keyId) + 31 * java.util.Objects.hashCode(sourceKeyId) + 31 * java.util.Objects.hashCode(receiptId);
    }

    @Override
    public String toString() {
        return "RewrapResult[ciphertextBlob=" + (ciphertextBlob == null ? "null" : ciphertextBlob.length + " bytes") + ", keyId=" + keyId + ", sourceKeyId=" + sourceKeyId + ", receiptId=" + receiptId + "]";
    }
}
