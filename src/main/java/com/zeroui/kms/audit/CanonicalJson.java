package com.zeroui.kms.audit;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * RFC 8785 (JSON Canonicalization Scheme) for the value domain receipts and tree heads use:
 * objects, arrays, strings, booleans, null and integers within ±2^53. Object members are sorted
 * by UTF-16 code units (Java's {@link String#compareTo}), no whitespace, strings escaped as
 * ECMAScript's JSON.stringify does. Anything outside that domain (fractions, other types) is
 * refused rather than serialized ambiguously.
 */
public final class CanonicalJson {
    private static final long MAX_SAFE_INTEGER = (1L << 53) - 1;

    private CanonicalJson() {
    }

    public static byte[] bytes(Map<String, ?> object) {
        return string(object).getBytes(StandardCharsets.UTF_8);
    }

    public static String string(Map<String, ?> object) {
        StringBuilder out = new StringBuilder();
        write(object, out);
        return out.toString();
    }

    /**
     * The canonical form of {@code object} and, in the same pass, where a member named {@code name}
     * (absent from {@code object}) would sit in it. A signed document is its unsigned canonical form
     * with the signature member added: {@link Slotted#with} gives exactly what serializing the object
     * again with that member would, without a second pass.
     */
    public static Slotted slotted(Map<String, ?> object, String name) {
        if (object.containsKey(name)) {
            throw new IllegalArgumentException("the object already has a member " + name);
        }
        StringBuilder out = new StringBuilder(1024);
        int[] slot = {-1};
        writeObject(object, out, name, slot);
        return new Slotted(out.toString(), slot[0] >= 0 ? slot[0] : out.length() - 1, object.isEmpty(), name);
    }

    /**
     * A canonical object {@code text} and the offset at which member {@code name} would be written:
     * just after '{' when it sorts first, otherwise just after the value of the member it follows.
     */
    public record Slotted(String text, int slot, boolean empty, String name) {
        /** The unsigned canonical form, UTF-8. */
        public byte[] bytes() {
            return text.getBytes(StandardCharsets.UTF_8);
        }

        /** The canonical form of the object with member {@code name} set to {@code value}. */
        public String with(String value) {
            StringBuilder member = new StringBuilder(name.length() + value.length() + 8);
            if (slot > 1 || (slot == 1 && empty)) {
                // after a member, or into an empty object (slot 1 is then also just before '}')
                if (slot > 1) {
                    member.append(',');
                }
                writeString(name, member);
                member.append(':');
                writeString(value, member);
            } else {
                writeString(name, member);
                member.append(':');
                writeString(value, member);
                member.append(',');
            }
            return new StringBuilder(text.length() + member.length()).append(text, 0, slot).append(member)
                    .append(text, slot, text.length()).toString();
        }
    }

    private static void write(Object value, StringBuilder out) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof String s) {
            writeString(s, out);
        } else if (value instanceof Boolean b) {
            out.append(b ? "true" : "false");
        } else if (value instanceof Integer || value instanceof Long) {
            long n = ((Number) value).longValue();
            if (n > MAX_SAFE_INTEGER || n < -MAX_SAFE_INTEGER) { // not Math.abs: it overflows for Long.MIN_VALUE
                throw new IllegalArgumentException("integer outside the I-JSON range: " + n);
            }
            out.append(n);
        } else if (value instanceof Map<?, ?> map) {
            writeObject(map, out, null, null);
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

    /**
     * Members sorted by name; with {@code slotName}, records in {@code slot[0]} where a member of
     * that name would be inserted (before the separator of the first member that sorts after it).
     */
    private static void writeObject(Map<?, ?> map, StringBuilder out, String slotName, int[] slot) {
        String[] names = new String[map.size()];
        int n = 0;
        for (Object k : map.keySet()) {
            if (!(k instanceof String name)) {
                throw new IllegalArgumentException("object member names must be strings, got " + k);
            }
            names[n++] = name;
        }
        Arrays.sort(names); // String.compareTo: UTF-16 code units, as RFC 8785 sorts
        out.append('{');
        for (int i = 0; i < n; i++) {
            if (slot != null && slot[0] < 0 && names[i].compareTo(slotName) > 0) {
                slot[0] = out.length();
            }
            if (i > 0) {
                out.append(',');
            }
            writeString(names[i], out);
            out.append(':');
            write(map.get(names[i]), out);
        }
        out.append('}');
    }

    private static void writeString(String s, StringBuilder out) {
        out.append('"');
        int plain = 0;
        while (plain < s.length()) {
            char c = s.charAt(plain);
            if (c < 0x20 || c == '"' || c == '\\' || Character.isSurrogate(c)) {
                break;
            }
            plain++;
        }
        out.append(s, 0, plain); // the common case: nothing to escape
        for (int i = plain; i < s.length(); i++) {
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
                    } else if (Character.isSurrogate(c)) {
                        // I-JSON (RFC 7493 §2.1) admits only whole pairs; UTF-8 would turn a lone one into '?'
                        if (!Character.isHighSurrogate(c) || i + 1 == s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
                            throw new IllegalArgumentException("string holds a lone UTF-16 surrogate at " + i);
                        }
                        out.append(c).append(s.charAt(++i));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
