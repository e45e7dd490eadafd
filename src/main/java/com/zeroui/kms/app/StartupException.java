package com.zeroui.kms.app;

/** Start-up refused for a reason the operator must act on; the message says what and how. */
public final class StartupException extends RuntimeException {
    public StartupException(String message) {
        super(message);
    }

    public StartupException(String message, Throwable cause) {
        super(message, cause);
    }
}
