package com.zeroui.kms.client.receipts;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * RFC 8785 (JCS) for the values receipts and tree heads hold: objects, arrays, strings, booleans, null
 * and integers within ±2^53. Members sorted by UTF-16 code units, no whitespace, strings escaped as
 * ECMAScript's JSON.stringify does. Anything else (fractions) is refused, never guessed at: a signature
 * over bytes we cannot reproduce exactly must fail loudly, not verify by luck.
 */
public final class CanonicalJson {
    private static final long MAX_SAFE_INTEGER = (1L << 53) - 1;

    private CanonicalJson() {
    }

    public static byte[] bytes(Map<String, ?> object) {
        StringBuilder out = new StringBuilder();
        write(object, out);
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void write(Object value, StringBuilder out) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof String s) {
            string(s, out);
        } else if (value instanceof Boolean b) {
            out.append(b ? "true" : "false");
        } else if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof BigInteger) {
            BigInteger n = new BigInteger(value.toString());
            if (n.abs().compareTo(BigInteger.valueOf(MAX_SAFE_INTEGER)) > 0) {
                throw new IllegalArgumentException("integer outside the I-JSON range: " + n);
            }
            out.append(n);
        } else if (value instanceof Map<?, ?> map) {
            TreeMap<String, Object> sorted = new TreeMap<>();
            map.forEach((k, v) -> sorted.put((String) k, v));
            out.append('{');
            boolean first = true;
            for (Map.Entry<String, Object> e : sorted.entrySet()) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                string(e.getKey(), out);
                out.append(':');
                write(e.getValue(), out);
            }
            out.append('}');
        } else if (value instanceof List<?> list) {
            out.append('[');
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                write(list.get(i), out);
            }
            out.append(']');
        } else {
            throw new IllegalArgumentException("not canonicalizable here: " + value.getClass().getName());
        }
    }

    private static void string(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
