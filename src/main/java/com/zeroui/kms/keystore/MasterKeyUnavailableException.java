package com.zeroui.kms.keystore;

/** The master key exists but cannot be reached right now (e.g. an HSM session is down): retryable. */
public class MasterKeyUnavailableException extends MasterKeyException {
    public MasterKeyUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
