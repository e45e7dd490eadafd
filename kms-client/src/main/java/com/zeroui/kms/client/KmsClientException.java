package com.zeroui.kms.client;

/** Any failure of a client call: the service's refusal ({@link KmsApiException}) or no usable answer at all. */
public class KmsClientException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public KmsClientException(String message) {
        super(message);
    }

    public KmsClientException(String message, Throwable cause) {
        super(message, cause);
    }
}
