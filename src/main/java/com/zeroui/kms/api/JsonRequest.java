package com.zeroui.kms.api;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zeroui.kms.error.ErrorCode;
import com.zeroui.kms.error.KmsException;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * A strictly parsed JSON request body. Every failure is a 4xx naming the field: wrong media type
 * (415), empty body, malformed JSON, duplicate keys, unknown fields, wrong types, unknown enum
 * values, missing fields and bad base64 (400).
 */
final class JsonRequest {
    private final ObjectNode body;
    /** "" at the top level, "parent." inside a nested object, so errors name the full path. */
    private final String prefix;

    private JsonRequest(ObjectNode body, String prefix) {
        this.body = body;
        this.prefix = prefix;
    }

    static JsonRequest parse(Context ctx, ObjectMapper mapper, Set<String> allowedFields) {
        String contentType = ctx.contentType();
        if (contentType == null || !contentType.toLowerCase().replace(" ", "").matches("application/json(;.*)?")) {
            throw new KmsException(ErrorCode.INVALID_REQUEST, 415, "Content-Type must be application/json",
                    Map.of("content_type", contentType == null ? "" : contentType), null);
        }
        byte[] raw = ctx.bodyAsBytes();
        if (raw.length == 0) {
            throw new KmsException(ErrorCode.INVALID_REQUEST, "request body is empty; a JSON object is required");
        }
        JsonNode node;
        try {
            node = mapper.readTree(raw);
        } catch (JsonProcessingException e) {
            String detail = withoutParserInternals(e.getOriginalMessage());
            JsonLocation at = e.getLocation();
            throw new KmsException(ErrorCode.INVALID_REQUEST, "request body is not valid JSON: "
                    + (detail.length() > 160 ? detail.substring(0, 160) : detail),
                    at == null || at.getLineNr() < 1 ? Map.of()
                            : Map.of("line", at.getLineNr(), "column", at.getColumnNr()));
        } catch (java.io.IOException e) {
            throw new KmsException(ErrorCode.INVALID_REQUEST, "request body could not be read");
        }
        if (node == null || !node.isObject()) {
            throw new KmsException(ErrorCode.INVALID_REQUEST, "request body must be a JSON object");
        }
        return of((ObjectNode) node, allowedFields);
    }

    /** A parsed object (a body, or one item of POST /batch) with exactly the allowed fields. */
    static JsonRequest of(ObjectNode object, Set<String> allowedFields) {
        Set<String> unknown = new TreeSet<>();
        for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!allowedFields.contains(name)) {
                unknown.add(name);
            }
        }
        if (!unknown.isEmpty()) {
            String first = unknown.iterator().next();
            throw new KmsException(ErrorCode.INVALID_REQUEST, "unknown field '" + truncate(first) + "'",
                    Map.of("field", truncate(first), "allowed_fields", new TreeSet<>(allowedFields)));
        }
        return new JsonRequest(object, "");
    }

    /**
     * Jackson's messages name its own classes and switches in backquotes (the bound Java type, the
     * constraint getter, the feature that would allow a token); the caller gets the rest.
     */
    private static String withoutParserInternals(String message) {
        return message.replaceAll("\\s*\\(bound as `[^`]*`\\)", "")
                .replaceAll(": not allowed as per `[^`]*`", "")
                .replaceAll(",? from `[^`]*`", "")
                .replaceAll(": enable `[^`]*` to allow", "");
    }

    private static String truncate(String s) {
        return s.length() > 64 ? s.substring(0, 64) + "…" : s;
    }

    private String name(String field) {
        return prefix + field;
    }

    /** An array of JSON values (1 to {@code maxItems} of them); null or absent is empty. */
    Optional<List<JsonNode>> optionalArray(String field, int maxItems) {
        JsonNode value = present(field);
        if (value == null) {
            return Optional.empty();
        }
        if (!value.isArray()) {
            throw KmsException.invalid(name(field), name(field) + " must be an array");
        }
        if (value.size() > maxItems) {
            throw KmsException.invalid(name(field), name(field) + " must have at most " + maxItems + " items");
        }
        List<JsonNode> out = new ArrayList<>();
        value.forEach(out::add);
        return Optional.of(out);
    }

    /** Whether the field is sent with a non-null value. */
    boolean has(String field) {
        return present(field) != null;
    }

    private JsonNode present(String field) {
        JsonNode value = body.get(field);
        return value == null || value.isNull() ? null : value;
    }

    Optional<String> optionalString(String field, int maxLength) {
        JsonNode value = present(field);
        if (value == null) {
            return Optional.empty();
        }
        if (!value.isTextual()) {
            throw KmsException.invalid(name(field), name(field) + " must be a string");
        }
        String text = value.textValue();
        if (text.length() > maxLength) {
            throw KmsException.invalid(name(field), name(field) + " must be at most " + maxLength + " characters");
        }
        rejectUnstorableText(name(field), text);
        return Optional.of(text);
    }

    /**
     * No API value holds U+0000 (PostgreSQL refuses it in text) or a lone UTF-16 surrogate (it has
     * no UTF-8 form, so it could not be stored or canonicalized into a receipt): a 400 here rather
     * than a 500 further in.
     */
    static void rejectUnstorableText(String field, String value) {
        if (value.indexOf('\u0000') >= 0) {
            throw KmsException.invalid(field, field + " must not contain the NUL character");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean paired = Character.isHighSurrogate(c) && i + 1 < value.length()
                    && Character.isLowSurrogate(value.charAt(i + 1));
            if (paired) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw KmsException.invalid(field, field + " must be valid Unicode (it holds a lone surrogate)");
            }
        }
    }

    String requiredString(String field, int maxLength) {
        String value = optionalString(field, maxLength)
                .orElseThrow(() -> KmsException.invalid(name(field), name(field) + " is required"));
        if (value.isEmpty()) {
            throw KmsException.invalid(name(field), name(field) + " must not be empty");
        }
        return value;
    }

    <E> Optional<E> optionalEnum(String field, Function<String, Optional<E>> parser, List<String> allowed) {
        return optionalString(field, 64).map(v -> parser.apply(v).orElseThrow(() -> new KmsException(
                ErrorCode.INVALID_REQUEST, name(field) + " must be one of " + allowed,
                Map.of("field", name(field), "allowed", allowed))));
    }

    <E> E requiredEnum(String field, Function<String, Optional<E>> parser, List<String> allowed) {
        return optionalEnum(field, parser, allowed)
                .orElseThrow(() -> KmsException.invalid(name(field), name(field) + " is required (one of " + allowed + ")"));
    }

    Optional<byte[]> optionalBase64(String field) {
        return optionalString(field, Integer.MAX_VALUE).map(v -> decodeBase64(name(field), v));
    }

    byte[] requiredBase64(String field) {
        return optionalBase64(field).orElseThrow(() -> KmsException.invalid(name(field), name(field) + " is required (base64)"));
    }

    static byte[] decodeBase64(String field, String value) {
        try {
            return Base64.getDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            throw KmsException.invalid(field, field + " is not valid standard base64");
        }
    }

    Optional<List<String>> optionalStringArray(String field, int maxItems) {
        JsonNode value = present(field);
        if (value == null) {
            return Optional.empty();
        }
        if (!value.isArray()) {
            throw KmsException.invalid(name(field), name(field) + " must be an array of strings");
        }
        if (value.size() > maxItems) {
            throw KmsException.invalid(name(field), name(field) + " must have at most " + maxItems + " items");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode item : value) {
            if (!item.isTextual()) {
                throw KmsException.invalid(name(field), name(field) + " must be an array of strings");
            }
            out.add(item.textValue());
        }
        return Optional.of(out);
    }

    Optional<Boolean> optionalBoolean(String field) {
        JsonNode value = present(field);
        if (value == null) {
            return Optional.empty();
        }
        if (!value.isBoolean()) {
            throw KmsException.invalid(name(field), name(field) + " must be true or false");
        }
        return Optional.of(value.booleanValue());
    }

    Optional<Long> optionalLong(String field) {
        JsonNode value = present(field);
        if (value == null) {
            return Optional.empty();
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw KmsException.invalid(name(field), name(field) + " must be an integer");
        }
        return Optional.of(value.longValue());
    }

    /**
     * A nested object of any shape, as plain Java values (maps, lists, strings, numbers, booleans,
     * null); every string in it must be storable text.
     */
    Optional<Map<String, Object>> optionalFreeObject(String field, ObjectMapper mapper) {
        JsonNode value = present(field);
        if (value == null) {
            return Optional.empty();
        }
        if (!value.isObject()) {
            throw KmsException.invalid(name(field), name(field) + " must be a JSON object");
        }
        rejectUnstorableTree(name(field), value);
        @SuppressWarnings("unchecked")
        Map<String, Object> map = mapper.convertValue(value, Map.class);
        return Optional.of(map);
    }

    /** The whole body as plain Java values, without the named fields (e.g. the token an approval does not bind). */
    Map<String, Object> toMap(ObjectMapper mapper, Set<String> without) {
        ObjectNode copy = body.deepCopy();
        copy.remove(without);
        rejectUnstorableTree(prefix.isEmpty() ? "body" : prefix, copy);
        @SuppressWarnings("unchecked")
        Map<String, Object> map = mapper.convertValue(copy, Map.class);
        return map;
    }

    private static void rejectUnstorableTree(String field, JsonNode node) {
        if (node.isTextual()) {
            rejectUnstorableText(field, node.textValue());
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> member = it.next();
            rejectUnstorableText(field, member.getKey());
            rejectUnstorableTree(field, member.getValue());
        }
        if (node.isArray()) {
            for (JsonNode item : node) {
                rejectUnstorableTree(field, item);
            }
        }
    }

    /** A nested object parsed with its own allowed fields; names in errors are {@code parent.child}. */
    Optional<JsonRequest> optionalObject(String field, Set<String> allowedFields) {
        JsonNode value = present(field);
        if (value == null) {
            return Optional.empty();
        }
        if (!value.isObject()) {
            throw KmsException.invalid(name(field), name(field) + " must be a JSON object");
        }
        for (Iterator<String> it = value.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!allowedFields.contains(name)) {
                throw new KmsException(ErrorCode.INVALID_REQUEST, "unknown field '" + name(field) + "." + truncate(name) + "'",
                        Map.of("field", name(field) + "." + truncate(name), "allowed_fields", new TreeSet<>(allowedFields)));
            }
        }
        return Optional.of(new JsonRequest((ObjectNode) value, prefix + field + "."));
    }

}
