package com.zeroui.kms.approvals;

import com.zeroui.kms.audit.CanonicalJson;
import com.zeroui.kms.error.KmsException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an approval binds: {@code sha256:<hex>} of the RFC 8785 canonical JSON of the operation's
 * parameters. Members whose value is null are dropped first (at any depth), as the API treats a
 * null field as an absent one; member order and whitespace do not matter, array order does.
 */
public final class ApprovalDigest {
    /** Largest canonical parameters an approval stores and shows to its approver. */
    public static final int MAX_PARAMETERS_BYTES = 16 * 1024;

    private ApprovalDigest() {
    }

    /** The canonical JSON text, or 400 naming {@code field} when the value is outside RFC 8785's I-JSON domain. */
    public static String canonical(String field, Map<String, ?> parameters) {
        try {
            String json = CanonicalJson.string(withoutNulls(parameters));
            if (json.getBytes(StandardCharsets.UTF_8).length > MAX_PARAMETERS_BYTES) {
                throw KmsException.invalid(field, field + " must be at most " + MAX_PARAMETERS_BYTES
                        + " bytes as canonical JSON");
            }
            return json;
        } catch (IllegalArgumentException e) {
            throw KmsException.invalid(field, field + " must hold only strings, booleans, integers within ±2^53,"
                    + " arrays and objects (RFC 8785 canonical JSON): " + e.getMessage());
        }
    }

    public static String of(String canonicalJson) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(canonicalJson.getBytes(StandardCharsets.UTF_8));
            return "sha256:" + HexFormat.of().formatHex(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String of(String field, Map<String, ?> parameters) {
        return of(canonical(field, parameters));
    }

    private static Map<String, Object> withoutNulls(Map<String, ?> map) {
        Map<String, Object> out = new LinkedHashMap<>();
        map.forEach((k, v) -> {
            if (v != null) {
                out.put(k, clean(v));
            }
        });
        return out;
    }

    private static Object clean(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> {
                if (!(k instanceof String name)) {
                    throw new IllegalArgumentException("object member names must be strings");
                }
                if (v != null) {
                    out.put(name, clean(v));
                }
            });
            return out;
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>();
            list.forEach(v -> out.add(v == null ? null : clean(v)));
            return out;
        }
        return value;
    }
}
