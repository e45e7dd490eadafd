package com.zeroui.kms.client.model;

/** A data key for envelope encryption: {@code plaintext} (when asked for) and the same key wrapped as a ciphertext blob. */
public record DataKey(String keyId, String keySpec, byte[] plaintext, byte[] ciphertextBlob, String receiptId) {
    // byte[] components: compared by content, and never printed (they may be plaintext or key material)
    @Override
    public boolean equals(Object o) {
        return o instanceof DataKey other && java.util.Objects.equals(keyId, other.keyId) && java.util.Objects.equals(keySpec, other.keySpec) && java.util.Arrays.equals(plaintext, other.plaintext) && java.util.Arrays.equals(ciphertextBlob, other.ciphertextBlob) && java.util.Objects.equals(receiptId, other.receiptId);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hashCode(keyId) + 31 * java.util.Objects.hashCode(keySpec) + 31 * java.util.Arrays.hashCode(plaintext) + 31 * java.util.Arrays.hashCode(ciphertextBlob) + 31 * java.util.Objects.hashCode(receiptId);
    }

    @Override
    public String toString() {
        return "DataKey[keyId=" + keyId + ", keySpec=" + keySpec + ", plaintext=" + (plaintext == null ? "null" : plaintext.length + " bytes") + ", ciphertextBlob=" + (ciphertextBlob == null ? "null" : ciphertextBlob.length + " bytes") + ", receiptId=" + receiptId + "]";
    }
}
