package com.zeroui.kms.audit;

/**
 * Signs receipts and tree heads with the service's receipt key (Ed25519, a managed key of the
 * GLOBAL tenant). The key material stays in the keys package: this only asks it to sign.
 */
public interface ReceiptSigner {
    /** Id of the receipt key that {@link #sign} uses; recorded in every receipt and tree head. */
    String keyId();

    /** Ed25519 signature over {@code message}. */
    byte[] sign(byte[] message);

    static ReceiptSigner of(String keyId, java.util.function.UnaryOperator<byte[]> sign) {
        return new ReceiptSigner() {
            @Override
            public String keyId() {
                return keyId;
            }

            @Override
            public byte[] sign(byte[] message) {
                return sign.apply(message);
            }
        };
    }
}
