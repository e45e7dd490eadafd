package com.zeroui.kms.error;

/**
 * The spec's stable error codes with their default HTTP status and retry hint. The status can be
 * overridden per exception for transport-level errors (404 route, 405, 413, 415) that the spec's
 * closed code list files under {@link #INVALID_REQUEST}.
 */
public enum ErrorCode {
    INVALID_REQUEST(400, false),
    UNAUTHENTICATED(401, false),
    UNAUTHORIZED(403, false),
    POLICY_VIOLATION(403, false),
    KEY_NOT_FOUND(404, false),
    KEY_REVOKED(409, false),
    KEY_INACTIVE(409, false),
    RATE_LIMITED(429, true),
    INTERNAL_ERROR(500, false),
    DEPENDENCY_UNAVAILABLE(503, true);

    private final int httpStatus;
    private final boolean retryable;

    ErrorCode(int httpStatus, boolean retryable) {
        this.httpStatus = httpStatus;
        this.retryable = retryable;
    }

    public int httpStatus() {
        return httpStatus;
    }

    public boolean retryable() {
        return retryable;
    }

    /** Caller's fault (4xx) as opposed to ours (5xx). */
    public boolean isClientError() {
        return httpStatus < 500;
    }
}
