package com.zeroui.kms.cli.remote;

/** The command line is incomplete or contradictory: exit 2 with the message, no stack. */
final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
        super(message);
    }
}
