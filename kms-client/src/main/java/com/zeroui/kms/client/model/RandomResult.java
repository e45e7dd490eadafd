package com.zeroui.kms.client.model;

/** Random bytes from the service's DRBG. */
public record RandomResult(byte[] random, String receiptId) {
    // byte[] components: compared by content, and never printed (they may be plaintext or key material)
    @Override
    public boolean equals(Object o) {
        return o instanceof RandomResult other && java.util.Arrays.equals(random, other.random) && java.util.Objects.equals(receiptId, other.receiptId);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(random) + 31 * java.util.Objects.hashCode(receiptId);
    }

    @Override
    public String toString() {
        return "RandomResult[random=" + (random == null ? "null" : random.length + " bytes") + ", receiptId=" + receiptId + "]";
    }
}
