package com.zeroui.kms.audit;

import com.zeroui.kms.auth.CallerIdentity;
import com.zeroui.kms.auth.Role;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a receipt says about one operation, before the log gives it an index and the receipt key
 * signs it. Never carries plaintext, ciphertext, signature input or key bytes: the request is
 * represented by a digest of its non-secret fields and the sizes of the secret ones.
 */
public record ReceiptDraft(
        String receiptId,
        Instant ts,
        String tenantId,
        String environment,
        String plane,
        String operation,
        String operationType,
        String keyId,
        String algorithm,
        Integer keySizeBits,
        boolean success,
        String errorCode,
        CallerIdentity caller,
        String requestDigest) {

    public static final String FORMAT = "kms-receipt/v1";

    /** The signed content of the receipt at {@code logIndex}, as a canonical-JSON-ready map. */
    public Map<String, Object> content(long logIndex, String receiptKeyId) {
        Map<String, Object> context = new LinkedHashMap<>();
        context.put("key_id", keyId);
        context.put("operation_type", operationType);
        context.put("algorithm", algorithm);
        context.put("key_size_bits", keySizeBits);
        context.put("success", success);
        context.put("error_code", errorCode);
        Map<String, Object> callerView = new LinkedHashMap<>();
        callerView.put("module_id", caller.moduleId());
        callerView.put("tenant_id", caller.tenantId());
        callerView.put("spiffe_id", caller.spiffeId());
        callerView.put("roles", caller.roles().stream().map(Role::apiName).sorted().toList());
        if (caller.token() != null) {
            // who the bearer token names, and who vouched for it
            callerView.put("token", Map.of("iss", caller.token().issuer(), "sub", caller.token().subject(),
                    "environment", caller.token().environment()));
        }
        if (caller.via() != null) {
            // the same identity and authorisation as an API call; the receipt says which channel carried it
            callerView.put("via", caller.via());
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", FORMAT);
        m.put("receipt_id", receiptId);
        m.put("log_index", logIndex);
        m.put("ts", ts.toString());
        m.put("tenant_id", tenantId);
        m.put("environment", environment);
        m.put("plane", plane);
        m.put("module", "KMS");
        m.put("operation", operation);
        m.put("kms_context", context);
        m.put("requesting_module", caller.moduleId());
        m.put("caller", callerView);
        m.put("request_digest", requestDigest);
        m.put("receipt_key_id", receiptKeyId);
        return m;
    }
}
