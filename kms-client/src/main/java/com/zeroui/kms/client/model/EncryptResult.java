package com.zeroui.kms.client.model;

/** AEAD output: {@code ciphertext} is ciphertext || 16-byte tag, {@code iv} the service's random nonce; {@code ciphertextBlob} all of it in one self-describing blob (docs/adr/0032). */
public record EncryptResult(byte[] ciphertext, byte[] iv, byte[] ciphertextBlob, String keyId, String algorithm, String receiptId) {
    // byte[] components: compared by content, and never printed (they may be plaintext or key material)
    @Override
    public boolean equals(Object o) {
        return o instanceof EncryptResult other && java.util.Arrays.equals(ciphertext, other.ciphertext) && java.util.Arrays.equals(iv, other.iv) && java.util.Arrays.equals(ciphertextBlob, other.ciphertextBlob) && java.util.Objects.equals(keyId, other.keyId) && java.util.Objects.equals(algorithm, other.algorithm) && java.util.Objects.equals(receiptId, other.receiptId);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(ciphertext) + 31 * java.util.Arrays.hashCode(iv) + 31 * java.util.Arrays.hashCode(ciphertextBlob) + 31 * java.util.Objects.hashCode(keyId) + 31 * java.util.Objects.hashCode(algorithm) + 31 * java.util.Objects.hashCode(receiptId);
    }

    @Override
    public String toString() {
        return "EncryptResult[ciphertext=" + (ciphertext == null ? "null" : ciphertext.length + " bytes") + ", iv=" + (iv == null ? "null" : iv.length + " bytes") + ", ciphertextBlob=" + (ciphertextBlob == null ? "null" : ciphertextBlob.length + " bytes") + ", keyId=" + keyId + ", algorithm=" + algorithm + ", receiptId=" + receiptId + "]";
    }
}
