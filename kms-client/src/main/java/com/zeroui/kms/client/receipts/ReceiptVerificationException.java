package com.zeroui.kms.client.receipts;

/** A receipt, proof or tree head that does not verify; the message says which check failed. */
public final class ReceiptVerificationException extends Exception {
    private static final long serialVersionUID = 1L;

    public ReceiptVerificationException(String message) {
        super(message);
    }
}
