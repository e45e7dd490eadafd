package com.zeroui.kms.client;

import java.util.Map;

/**
 * The service's error envelope {@code {code, message, details?, retryable}}: every 4xx/5xx answer carries one.
 *
 * @param code       the stable machine-readable code, e.g. {@code KEY_NOT_FOUND}
 * @param message    a human-readable explanation (constant for server faults)
 * @param details    structured context, e.g. {@code receipt_id} or {@code incident_id}; never null
 * @param retryable  whether the same request may succeed later unchanged
 */
public record ErrorResponse(String code, String message, Map<String, Object> details, boolean retryable) {
    public ErrorResponse {
        details = details == null ? Map.of() : Map.copyOf(details);
    }
}
