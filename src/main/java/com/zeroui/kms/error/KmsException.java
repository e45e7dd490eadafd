package com.zeroui.kms.error;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one exception type the domain throws for an expected failure. It carries the spec's error
 * code, a message safe to show the caller (never secret bytes) and structured details. The API
 * layer maps it to an {@code ErrorResponse} in one place.
 */
public class KmsException extends RuntimeException {
    private final ErrorCode code;
    private final int httpStatus;
    private final Map<String, Object> details;
    private final String receiptId;
    /** Null: the code's own retry hint. */
    private final Boolean retryable;

    public KmsException(ErrorCode code, String message) {
        this(code, code.httpStatus(), message, Map.of(), null);
    }

    public KmsException(ErrorCode code, String message, Map<String, ?> details) {
        this(code, code.httpStatus(), message, details, null);
    }

    public KmsException(ErrorCode code, int httpStatus, String message, Map<String, ?> details, Throwable cause) {
        this(code, httpStatus, message, details, cause, null, null);
    }

    private KmsException(ErrorCode code, int httpStatus, String message, Map<String, ?> details, Throwable cause,
                         String receiptId, Boolean retryable) {
        super(message, cause, false, false);
        this.code = code;
        this.httpStatus = httpStatus;
        this.details = Collections.unmodifiableMap(new LinkedHashMap<>(details));
        this.receiptId = receiptId;
        this.retryable = retryable;
    }

    /** The same failure, now carrying the id of the receipt that records it. */
    public KmsException withReceiptId(String id) {
        return new KmsException(code, httpStatus, getMessage(), details, getCause(), id, retryable);
    }

    /** Whether the same request may succeed later: the code's hint unless this failure says otherwise. */
    public boolean retryable() {
        return retryable != null ? retryable : code.retryable();
    }

    /** The receipt recording this failure, or null when none was written (e.g. a malformed request). */
    public String receiptId() {
        return receiptId;
    }

    public ErrorCode code() {
        return code;
    }

    public int httpStatus() {
        return httpStatus;
    }

    public Map<String, Object> details() {
        return details;
    }

    public static KmsException invalid(String field, String message) {
        return new KmsException(ErrorCode.INVALID_REQUEST, message, Map.of("field", field));
    }

    public static KmsException unavailable(String dependency, String message, Throwable cause) {
        return new KmsException(ErrorCode.DEPENDENCY_UNAVAILABLE, 503, message, Map.of("dependency", dependency), cause);
    }

    /**
     * A dependency that is up but must not be used until an operator acts (503, not retryable):
     * retrying the same request cannot help.
     */
    public static KmsException halted(String dependency, String message, Map<String, ?> details) {
        Map<String, Object> all = new LinkedHashMap<>(details);
        all.put("dependency", dependency);
        return new KmsException(ErrorCode.DEPENDENCY_UNAVAILABLE, 503, message, all, null, null, false);
    }

    public static KmsException internal(String message, Throwable cause) {
        return new KmsException(ErrorCode.INTERNAL_ERROR, 500, message, Map.of(), cause);
    }
}
