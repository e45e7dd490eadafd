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

    /**
     * The signing key now, fixed: a batch or a head takes it once, so the key id it records is the
     * key that signs even if the service key rotates meanwhile.
     */
    default ReceiptSigner current() {
        return this;
    }

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
