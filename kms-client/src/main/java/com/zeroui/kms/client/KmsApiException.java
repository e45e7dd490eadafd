package com.zeroui.kms.client;

import java.util.Optional;

/** The service answered with an error: its HTTP status and the {@link ErrorResponse} it sent. */
public class KmsApiException extends KmsClientException {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final transient ErrorResponse error;

    public KmsApiException(int status, ErrorResponse error) {
        super(status + " " + error.code() + ": " + error.message());
        this.status = status;
        this.error = error;
    }

    public int status() {
        return status;
    }

    public ErrorResponse error() {
        return error;
    }

    /** The stable error code, e.g. {@code KEY_NOT_FOUND}. */
    public String code() {
        return error.code();
    }

    public boolean retryable() {
        return error.retryable();
    }

    /** The receipt the service wrote for the refused operation, when it reached one. */
    public Optional<String> receiptId() {
        Object id = error.details().get("receipt_id");
        return id == null ? Optional.empty() : Optional.of(id.toString());
    }
}
