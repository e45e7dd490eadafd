package com.zeroui.kms.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zeroui.kms.support.KmsClient;
import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Generates malformed requests against every endpoint, each paired with the answer it must get.
 * All choices come from one {@link Random}, so a seed reproduces a run exactly.
 *
 * <p>A "field defect" starts from a request the server accepts and breaks exactly one field
 * (drop it, null it, wrong JSON type, unknown enum value, bad base64, too long, ...); its answer
 * must be 400 with {@code details.field} naming that field. Everything else (broken JSON, wrong
 * media type, method, route, oversized body, ...) must be a well-formed 4xx with a known status.
 */
final class MalformedRequests {
    static final String API = "/kms/v1";
    static final int MAX_BODY = 1024 * 1024;

    /** The JSON shape a field expects, which decides how it can be broken. */
    enum Kind { TENANT, ENUM, KEY_ID, BASE64, IV, USAGE, POLICY }

    /** {@code mismatched}: values of the right vocabulary that the endpoint's key still rejects. */
    record FieldSpec(String name, Kind kind, boolean required, List<String> allowed, List<String> mismatched) {
        static FieldSpec of(String name, Kind kind, boolean required) {
            return new FieldSpec(name, kind, required, List.of(), List.of());
        }

        static FieldSpec enumOf(String name, boolean required, List<String> allowed, List<String> mismatched) {
            return new FieldSpec(name, Kind.ENUM, required, allowed, mismatched);
        }
    }

    /** A POST endpoint with a request it accepts and the fields that request carries. */
    record Endpoint(String path, ObjectNode valid, List<FieldSpec> fields) {
    }

    /** What the answer must be; null parts are not checked (status null: any 4xx). */
    record Expectation(Integer status, String code, String field, String messageContains) {
        static Expectation fieldError(String field) {
            return new Expectation(400, "INVALID_REQUEST", field, null);
        }

        static Expectation badRequest() {
            return of(400, "INVALID_REQUEST");
        }

        static Expectation of(int status, String code) {
            return new Expectation(status, code, null, null);
        }

        Expectation mentioning(String text) {
            return new Expectation(status, code, field, text);
        }
    }

    /** One request to send: {@code path} is absolute; {@code chunked} sends the body without a length. */
    record Request(String category, String description, String method, String path, String contentType,
                   Map<String, String> headers, byte[] body, boolean chunked, Expectation expected) {
        @Override
        public String toString() {
            String shownPath = path.length() > 160 ? path.substring(0, 160) + "...(" + path.length() + ")" : path;
            String shownBody = body == null ? "-" : body.length > 240
                    ? new String(body, 0, 240, StandardCharsets.ISO_8859_1) + "...(" + body.length + " bytes)"
                    : new String(body, StandardCharsets.ISO_8859_1);
            return "[" + category + "] " + description + ": " + method + " " + shownPath
                    + " content-type=" + contentType + (chunked ? " chunked" : "") + " body=" + shownBody;
        }
    }

    private static final String[] WEIRD = {" ", "\t", "\n", "\u0000", "\u0007", "/", "\\", "\"", "'", "<", ">", "{", "}",
        "%", "*", "$", "#", "?", "&", "=", "+", "@", "!", "~", "ä", "é", "ß", "İ", "ｔ", "\u0301", "\u202e", "\u200d",
        "\ufeff", "\u00a0", "😀", "🇺🇦", "中", "ا", "\u2028"};
    private static final String[] B64_ILLEGAL = {"!", "@", "#", "$", "%", "^", "&", "*", "(", ")", "~", "`", "'", "<",
        ">", "?", ";", ":", "|", ",", ".", "ä", "é", "中", "😀", "\u0000", "-", "_", "\\"};
    private static final String ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final List<String> LIST_PARAMS = List.of("tenant_id", "environment", "plane", "key_type", "key_state",
            "alias", "limit", "cursor");
    private static final List<String> GET_PARAMS = List.of("tenant_id", "environment", "plane");
    /** Stands in for a raw JSON value while a template is serialized; replaced afterwards. */
    private static final String RAW = "@@RAW-VALUE@@";

    private final Random random;
    private final List<Endpoint> endpoints;
    private final String tenant;
    private final String existingKeyId;
    private final Map<String, List<String>> vocabulary;

    /**
     * @param vocabulary the API's enum vocabularies by query parameter name (environment, plane,
     *                   key_type, key_state), used to build valid list queries
     */
    MalformedRequests(Random random, List<Endpoint> endpoints, String tenant, String existingKeyId,
                      Map<String, List<String>> vocabulary) {
        this.random = random;
        this.endpoints = endpoints;
        this.tenant = tenant;
        this.existingKeyId = existingKeyId;
        this.vocabulary = vocabulary;
    }

    /**
     * {@code count} requests. Categories are taken in a fixed weighted rotation so that every
     * category is covered whatever the seed; the content of each request is random.
     */
    List<Request> generate(int count) {
        List<Supplier<Request>> rotation = new ArrayList<>();
        add(rotation, 10, this::fieldDefect);
        add(rotation, 2, this::unknownField);
        add(rotation, 4, this::brokenSyntax);
        add(rotation, 1, this::deepNesting);
        add(rotation, 1, this::hugeNumber);
        add(rotation, 2, this::invalidUtf8);
        add(rotation, 1, this::byteOrderMark);
        add(rotation, 1, this::duplicateKey);
        add(rotation, 1, this::notAnObject);
        add(rotation, 1, this::wrongContentType);
        add(rotation, 1, this::wrongMethod);
        add(rotation, 1, this::unknownRoute);
        add(rotation, 1, this::oversizedBody);
        add(rotation, 3, this::listQueryDefect);
        add(rotation, 2, this::getByIdDefect);
        add(rotation, 1, this::semanticDefect);
        List<Request> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(rotation.get(i % rotation.size()).get());
        }
        return out;
    }

    private static void add(List<Supplier<Request>> rotation, int weight, Supplier<Request> generator) {
        for (int i = 0; i < weight; i++) {
            rotation.add(generator);
        }
    }

    // ---- one broken field ----------------------------------------------------------------------

    /** A mutation of one field: the new raw JSON value (null: drop the field) and the field the error must name. */
    private record Defect(String description, String rawValue, String expectedField) {
    }

    Request fieldDefect() {
        Endpoint endpoint = pick(endpoints);
        FieldSpec field = pick(endpoint.fields());
        Defect defect = defectFor(field);
        byte[] body = render(endpoint.valid(), field.name(), defect.rawValue());
        return post("field-defect", endpoint.path() + " " + field.name() + ": " + defect.description(), endpoint.path(),
                body, Expectation.fieldError(defect.expectedField()));
    }

    private Defect defectFor(FieldSpec field) {
        List<Supplier<Defect>> options = new ArrayList<>();
        String name = field.name();
        options.add(() -> new Defect("wrong JSON type", wrongType(field.kind()), name));
        if (field.required()) {
            options.add(() -> new Defect("missing", null, name));
            options.add(() -> new Defect("null", "null", name));
        }
        switch (field.kind()) {
            case TENANT -> options.add(() -> new Defect("invalid tenant id", quote(badIdentifier("tenant-a")), name));
            case ENUM -> {
                options.add(() -> new Defect("unknown enum value", quote(unknownEnumValue(field.allowed())), name));
                if (!field.mismatched().isEmpty()) {
                    options.add(() -> new Defect("value not valid for the key", quote(pick(field.mismatched())), name));
                }
            }
            case KEY_ID -> options.add(() -> new Defect("malformed key id", quote(badKeyId()), name));
            case BASE64 -> options.add(() -> new Defect("bad base64", quote(badBase64()), name));
            case IV -> {
                options.add(() -> new Defect("bad base64", quote(badBase64()), name));
                options.add(() -> new Defect("wrong iv length", quote(b64(randomBytes(pickIvLength()))), name));
            }
            case USAGE -> options.add(() -> new Defect("bad key_usage", badUsage(), name));
            case POLICY -> options.add(this::policyDefect);
        }
        return pick(options).get();
    }

    private String wrongType(Kind kind) {
        List<String> values = switch (kind) {
            case USAGE -> List.of("\"sign\"", "1", "true", "{}", "2.5", "{\"0\":\"sign\"}");
            case POLICY -> List.of("\"allowed_modules\"", "[]", "7", "false", "[{}]");
            default -> List.of(String.valueOf(random.nextInt()), "-0.5", "true", "false", "[]", "[\"x\"]", "{}",
                    "{\"k\":\"v\"}", "1e400", digits(20 + random.nextInt(880)));
        };
        return pick(values);
    }

    /** An identifier that breaks {@code [A-Za-z0-9][A-Za-z0-9._-]{0,63}}: empty, a bad character, a bad start, too long. */
    private String badIdentifier(String base) {
        return switch (random.nextInt(5)) {
            case 0 -> "";
            case 1 -> pick(List.of("-", ".", "_")) + base;
            case 2 -> alnum(65 + random.nextInt(6000));
            default -> insert(base, pick(WEIRD));
        };
    }

    private String unknownEnumValue(List<String> allowed) {
        String base = pick(allowed);
        String value = switch (random.nextInt(6)) {
            case 0 -> "";
            case 1 -> base.toUpperCase(java.util.Locale.ROOT).equals(base) ? base.toLowerCase(java.util.Locale.ROOT)
                    : base.toUpperCase(java.util.Locale.ROOT);
            case 2 -> base + pick(List.of(" ", "\u0000", "\n", "\u200d"));
            case 3 -> insert(base, pick(WEIRD));
            case 4 -> alnum(65 + random.nextInt(3000));
            default -> alnum(1 + random.nextInt(20));
        };
        return allowed.contains(value) ? value + "!" : value;
    }

    /** Key ids rejected by their form (not merely unknown): empty, too long, a malformed alias. */
    private String badKeyId() {
        return switch (random.nextInt(3)) {
            case 0 -> "";
            case 1 -> alnum(257 + random.nextInt(8000));
            default -> "alias/" + badAlias();
        };
    }

    /** Breaks {@code [A-Za-z0-9][A-Za-z0-9._-]{0,127}}. */
    private String badAlias() {
        return switch (random.nextInt(4)) {
            case 0 -> "";
            case 1 -> pick(List.of("-", ".", "_")) + alnum(1 + random.nextInt(10));
            case 2 -> alnum(129 + random.nextInt(300));
            default -> insert("my-key", pick(WEIRD));
        };
    }

    /** Strings java.util.Base64's strict decoder refuses: illegal characters, URL-safe alphabet, whitespace, bad padding. */
    private String badBase64() {
        String valid = b64(randomBytes(3 + random.nextInt(60)));
        return switch (random.nextInt(5)) {
            case 0 -> insert(valid, pick(B64_ILLEGAL));
            case 1 -> urlSafeBase64();
            case 2 -> insert(valid, pick(List.of(" ", "\n", "\r\n", "\t")));
            case 3 -> pick(List.of("AA==", "QQ==", "AAA=")) + valid;
            default -> valid + "A";
        };
    }

    private String urlSafeBase64() {
        while (true) {
            String std = b64(randomBytes(3 + random.nextInt(30)));
            if (std.contains("+") || std.contains("/")) {
                return std.replace('+', '-').replace('/', '_');
            }
        }
    }

    private int pickIvLength() {
        int length = random.nextInt(41);
        return length == 12 ? 0 : length;
    }

    private String badUsage() {
        return switch (random.nextInt(7)) {
            case 0 -> "[]";
            case 1 -> "[\"" + pick(List.of("bogus", "SIGN", "sign ", "wrap", "")) + "\"]";
            case 2 -> "[\"sign\", " + pick(List.of("1", "null", "true", "{}", "[]")) + "]";
            case 3 -> "[null]";
            case 4 -> "[\"sign\",\"verify\",\"sign\",\"verify\",\"sign\"]";
            case 5 -> "[\"encrypt\"]"; // not valid for the template's Ed25519 key
            default -> "[\"sign\",\"decrypt\"]";
        };
    }

    private Defect policyDefect() {
        ObjectNode policy = KmsClient.JSON.createObjectNode();
        policy.putArray("allowed_modules").add("M21");
        policy.put("requires_approval", false).put("max_usage_per_day", 1000);
        String sub;
        String raw;
        switch (random.nextInt(4)) {
            case 0 -> {
                sub = unknownName(List.of("allowed_modules", "requires_approval", "max_usage_per_day"), 60);
                raw = "1";
            }
            case 1 -> {
                sub = "allowed_modules";
                raw = switch (random.nextInt(6)) {
                    case 0 -> pick(List.of("\"M21\"", "5", "{}", "true"));
                    case 1 -> "[]";
                    case 2 -> "[" + quote(badIdentifier("M21")) + "]";
                    case 3 -> "[" + pick(List.of("1", "null", "{}", "false")) + "]";
                    case 4 -> manyModules(65 + random.nextInt(10));
                    default -> "[\"M21\", " + quote(badIdentifier("M22")) + "]";
                };
            }
            case 2 -> {
                sub = "requires_approval";
                raw = pick(List.of("\"true\"", "1", "0", "\"yes\"", "[]", "{}"));
            }
            default -> {
                sub = "max_usage_per_day";
                raw = pick(List.of("0", "-1", String.valueOf(Long.MIN_VALUE), "\"100\"", "1.5", "1e3", "1e400",
                        "99999999999999999999999", "true", "[]"));
            }
        }
        policy.put(sub, RAW);
        String text = write(policy).replace("\"" + RAW + "\"", raw);
        return new Defect("access_policy." + sub + " = " + abbreviate(raw), text, "access_policy." + sub);
    }

    private static String manyModules(int n) {
        StringBuilder out = new StringBuilder("[");
        for (int i = 0; i < n; i++) {
            out.append(i == 0 ? "" : ",").append("\"M").append(i).append('"');
        }
        return out.append(']').toString();
    }

    Request unknownField() {
        Endpoint endpoint = pick(endpoints);
        List<String> known = endpoint.fields().stream().map(FieldSpec::name).toList();
        String name = unknownName(known, 64);
        String value = pick(List.of("1", "null", "\"x\"", "{}", "[]", "true", quote(alnum(random.nextInt(50)))));
        ObjectNode body = endpoint.valid().deepCopy();
        body.put(name, RAW);
        byte[] bytes = write(body).replace("\"" + RAW + "\"", value).getBytes(StandardCharsets.UTF_8);
        return post("unknown-field", "unknown field " + abbreviate(name), endpoint.path(), bytes,
                Expectation.fieldError(name));
    }

    /** A field name no endpoint knows, at most {@code maxLength} characters (the error names it in full). */
    private String unknownName(List<String> known, int maxLength) {
        String name = switch (random.nextInt(5)) {
            case 0 -> alnum(1 + random.nextInt(maxLength));
            case 1 -> pick(known).toUpperCase(java.util.Locale.ROOT);
            case 2 -> pick(known) + pick(List.of(" ", "_", "\u200d", "2"));
            case 3 -> insert("field", pick(WEIRD));
            default -> pick(List.of("", "__proto__", "constructor", "$where", "tenantId", "keyId", "id"));
        };
        return known.contains(name) || name.length() > maxLength ? "x" + alnum(5) : name;
    }

    // ---- broken JSON ---------------------------------------------------------------------------

    Request brokenSyntax() {
        Endpoint endpoint = pick(endpoints);
        String valid = write(endpoint.valid());
        String broken;
        String what;
        switch (random.nextInt(4)) {
            case 0 -> {
                int cut = random.nextInt(valid.length());
                broken = valid.substring(0, cut);
                what = "truncated at " + cut;
            }
            case 1 -> {
                List<Integer> structural = new ArrayList<>();
                for (int i = 0; i < valid.length(); i++) {
                    if ("\":,{}[]".indexOf(valid.charAt(i)) >= 0) {
                        structural.add(i);
                    }
                }
                int at = pick(structural);
                broken = valid.substring(0, at) + valid.substring(at + 1);
                what = "deleted '" + valid.charAt(at) + "' at " + at;
            }
            case 2 -> {
                String garbage = pick(List.of("x", "}", "]", "{}", "[]", "1", "\"s\"", ",", ",{}", "null", "true",
                        "\u0000", "//", "/* c */", "{\"a\":1}", "\u001a"));
                broken = valid + pick(List.of("", " ", "\n")) + garbage;
                what = "trailing garbage " + abbreviate(garbage);
            }
            default -> {
                String field = pick(endpoint.fields()).name();
                String[][] swaps = {
                    {"\"" + field + "\"", "'" + field + "'"},
                    {"\"" + field + "\"", field},
                    {"{", "{\"n\":NaN,"},
                    {"{", "{\"n\":01,"},
                    {"{", "{\"n\":+1,"},
                    {"{", "{\"n\":.5,"},
                    {"{", "{\"n\":0x1F,"},
                    {"{", "{/* comment */"},
                    {"{", "{\"n\":\"a\u0001b\","},
                    {"{", "{\"n\":\"\\x41\","},
                    {"{", "{\"n\":undefined,"},
                    {"{", "{,"},
                };
                String[] swap = pick(List.of(swaps));
                broken = swap[0].equals("{") ? swap[1] + valid.substring(1) : valid.replaceFirst(
                        java.util.regex.Pattern.quote(swap[0]), java.util.regex.Matcher.quoteReplacement(swap[1]));
                if (random.nextBoolean()) {
                    broken = broken.substring(0, broken.lastIndexOf('}')) + ",}";
                }
                what = "non-standard JSON " + abbreviate(swap[1]);
            }
        }
        return post("broken-syntax", what, endpoint.path(), broken.getBytes(StandardCharsets.UTF_8),
                Expectation.badRequest());
    }

    Request deepNesting() {
        Endpoint endpoint = pick(endpoints);
        int depth = 1001 + random.nextInt(11_000);
        boolean objects = random.nextBoolean();
        String open = objects ? "{\"a\":" : "[";
        String close = objects ? "}" : "]";
        String nested = open.repeat(depth) + (objects ? "1" : "") + (random.nextInt(4) == 0 ? "" : close.repeat(depth));
        String body = random.nextBoolean() ? nested : replaceValue(endpoint, pick(endpoint.fields()).name(), nested);
        return post("deep-nesting", depth + " levels of " + (objects ? "objects" : "arrays"), endpoint.path(),
                body.getBytes(StandardCharsets.UTF_8), Expectation.badRequest());
    }

    Request hugeNumber() {
        Endpoint endpoint = pick(endpoints);
        String number = (random.nextBoolean() ? "-" : "") + digits(1001 + random.nextInt(20_000))
                + (random.nextBoolean() ? "" : "." + digits(1 + random.nextInt(50)));
        String body = random.nextInt(3) == 0 ? number : replaceValue(endpoint, pick(endpoint.fields()).name(), number);
        return post("huge-number", number.length() + "-character number", endpoint.path(),
                body.getBytes(StandardCharsets.UTF_8), Expectation.badRequest());
    }

    private static final int[][] INVALID_UTF8 = {
        {0xFF}, {0xFE}, {0x80}, {0xBF}, {0xC0, 0xAF}, {0xC1, 0xBF}, {0xE0, 0x80, 0xAF}, {0xF0, 0x80, 0x80, 0xAF},
        {0xED, 0xA0, 0x80}, {0xED, 0xBF, 0xBF}, {0xF4, 0x90, 0x80, 0x80}, {0xF8, 0x88, 0x80, 0x80, 0x80},
        {0xC3}, {0xE2, 0x82}, {0xF0, 0x9F, 0x98}, {0xC2, 0x41}, {0xE2, 0x41, 0x41},
    };

    Request invalidUtf8() {
        Endpoint endpoint = pick(endpoints);
        int[] sequence = INVALID_UTF8[random.nextInt(INVALID_UTF8.length)];
        String valid = write(endpoint.valid());
        int at = switch (random.nextInt(3)) {
            case 0 -> valid.indexOf('"', 2) - 1; // inside the first field name
            case 1 -> valid.lastIndexOf('"'); // inside the last string value
            default -> valid.length(); // after the object
        };
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(valid.substring(0, at).getBytes(StandardCharsets.UTF_8));
        for (int b : sequence) {
            out.write(b);
        }
        out.writeBytes(valid.substring(at).getBytes(StandardCharsets.UTF_8));
        return post("invalid-utf8", "bytes " + hex(sequence) + " at " + at, endpoint.path(), out.toByteArray(),
                Expectation.badRequest());
    }

    /** A UTF-8 BOM is skipped (RFC 8259 allows it), so what follows decides the answer; other BOMs garble the body. */
    Request byteOrderMark() {
        Endpoint endpoint = pick(endpoints);
        byte[] utf8Bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        return switch (random.nextInt(4)) {
            case 0 -> {
                FieldSpec field = pick(endpoint.fields());
                Defect defect = defectFor(field);
                yield post("bom", "UTF-8 BOM then " + field.name() + ": " + defect.description(), endpoint.path(),
                        concat(utf8Bom, render(endpoint.valid(), field.name(), defect.rawValue())),
                        Expectation.fieldError(defect.expectedField()));
            }
            case 1 -> post("bom", "two UTF-8 BOMs", endpoint.path(),
                    concat(utf8Bom, utf8Bom, write(endpoint.valid()).getBytes(StandardCharsets.UTF_8)),
                    Expectation.badRequest());
            case 2 -> post("bom", "UTF-8 BOM then truncated JSON", endpoint.path(), concat(utf8Bom,
                    write(endpoint.valid()).substring(0, 10).getBytes(StandardCharsets.UTF_8)), Expectation.badRequest());
            default -> {
                byte[][] foreign = {{(byte) 0xFE, (byte) 0xFF}, {(byte) 0xFF, (byte) 0xFE}, {0, 0, (byte) 0xFE, (byte) 0xFF},
                    {(byte) 0xEF, (byte) 0xBB}};
                byte[] bom = foreign[random.nextInt(foreign.length)];
                yield post("bom", "foreign BOM " + hex(bom) + " before UTF-8 JSON", endpoint.path(),
                        concat(bom, write(endpoint.valid()).getBytes(StandardCharsets.UTF_8)), Expectation.badRequest());
            }
        };
    }

    Request duplicateKey() {
        Endpoint endpoint = pick(endpoints);
        String field = pick(endpoint.fields()).name();
        String valid = write(endpoint.valid());
        String repeated = "\"" + field + "\":" + endpoint.valid().get(field).toString() + ",";
        String body = "{" + repeated + valid.substring(1);
        return post("duplicate-key", "duplicate " + field, endpoint.path(), body.getBytes(StandardCharsets.UTF_8),
                Expectation.badRequest().mentioning("'" + field + "'"));
    }

    Request notAnObject() {
        Endpoint endpoint = pick(endpoints);
        String valid = write(endpoint.valid());
        String body = pick(List.of("", " ", "\r\n\t ", "[]", "[" + valid + "]", "\"" + valid.replace("\"", "\\\"") + "\"",
                "\"\"", "0", "-1.5e3", "true", "false", "null", "[null]", "[[]]"));
        return post("not-an-object", "body " + abbreviate(body), endpoint.path(), body.getBytes(StandardCharsets.UTF_8),
                Expectation.badRequest());
    }

    // ---- transport: media type, method, route, size -------------------------------------------------

    Request wrongContentType() {
        Endpoint endpoint = pick(endpoints);
        String contentType = pick(List.of("", "text/plain", "text/json", "application/xml", "APPLICATION/XML",
                "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/jsonx",
                "application/json-patch+json", "application/json-seq", "application/javascript", "*/*", "json",
                "application", "application/ json-ish", "text/html; charset=utf-8"));
        return new Request("content-type", "Content-Type " + (contentType.isEmpty() ? "(none)" : contentType), "POST",
                API + endpoint.path(), contentType.isEmpty() ? null : contentType, Map.of(),
                write(endpoint.valid()).getBytes(StandardCharsets.UTF_8), false, Expectation.of(415, "INVALID_REQUEST"));
    }

    Request wrongMethod() {
        String path;
        String method;
        switch (random.nextInt(4)) {
            case 0 -> {
                path = pick(List.of("/sign", "/verify", "/encrypt", "/decrypt"));
                method = pick(List.of("GET", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE"));
            }
            case 1 -> {
                path = "/keys";
                method = pick(List.of("PUT", "DELETE", "PATCH", "OPTIONS"));
            }
            case 2 -> {
                path = "/keys/" + existingKeyId;
                method = pick(List.of("POST", "PUT", "DELETE", "PATCH"));
            }
            default -> {
                path = pick(List.of("/health", "/metrics", "/config", "/openapi.json"));
                method = pick(List.of("POST", "PUT", "DELETE"));
            }
        }
        boolean withBody = !method.equals("GET") && !method.equals("TRACE") && random.nextBoolean();
        return new Request("method", method + " " + path, method, API + path, withBody ? "application/json" : null,
                Map.of(), withBody ? "{}".getBytes(StandardCharsets.UTF_8) : null, false,
                Expectation.of(405, "INVALID_REQUEST"));
    }

    Request unknownRoute() {
        if (random.nextInt(8) == 0) {
            // Jetty refuses ambiguous segments itself (400), before any route is matched.
            String path = API + pick(List.of("/..;", "/%2e%2e;", "/keys/..;/x", "/..;/keys"));
            return new Request("route", "ambiguous path " + path, "GET", path, null, Map.of(), null, false,
                    Expectation.of(400, "INVALID_REQUEST"));
        }
        String path = switch (random.nextInt(4)) {
            case 0 -> API + "/" + pick(List.of("keyz", "Keys", "SIGN", "signature", "key", "admin", "v1", "audit",
                    "rotate", "keys.json", "sign.json", ".env"));
            case 1 -> API + pick(List.of("/sign", "/verify", "/encrypt", "/decrypt", "/health", "/config")) + "/"
                    + alnum(1 + random.nextInt(20));
            case 2 -> pick(List.of("/", "/kms", "/kms/v1", "/kms/v2/keys", "/kms/keys", "/v1/keys", "/favicon.ico",
                    "/kms/v1/openapi.yaml", "/kms/V1/keys", "/KMS/v1/keys"));
            default -> API + "/" + encodePath(insert(alnum(1 + random.nextInt(10)), pick(WEIRD).replace("\u0000", "!")));
        };
        boolean post = random.nextBoolean();
        return new Request("route", (post ? "POST " : "GET ") + path, post ? "POST" : "GET", path,
                post ? "application/json" : null, Map.of(), post ? "{}".getBytes(StandardCharsets.UTF_8) : null, false,
                Expectation.of(404, "INVALID_REQUEST"));
    }

    Request oversizedBody() {
        Endpoint endpoint = pick(endpoints);
        int size = MAX_BODY + 1 + random.nextInt(512 * 1024);
        byte[] body = switch (random.nextInt(3)) {
            case 0 -> padded(endpoint.valid(), "data", size);
            case 1 -> randomBytes(size);
            default -> " ".repeat(size).getBytes(StandardCharsets.UTF_8);
        };
        boolean chunked = random.nextBoolean();
        return new Request("oversized", size + " bytes" + (chunked ? " chunked" : ""), "POST", API + endpoint.path(),
                "application/json", Map.of(), body, chunked, Expectation.of(413, "INVALID_REQUEST"));
    }

    /** {@code valid} with one more string field, padded so that the whole body is exactly {@code size} bytes. */
    static byte[] padded(ObjectNode valid, String field, int size) {
        ObjectNode copy = valid.deepCopy();
        copy.put(field, "");
        String text = write(copy);
        int missing = size - text.getBytes(StandardCharsets.UTF_8).length;
        if (missing < 0) {
            throw new IllegalArgumentException("template larger than " + size);
        }
        copy.put(field, "A".repeat(missing));
        return write(copy).getBytes(StandardCharsets.UTF_8);
    }

    // ---- GET /keys and GET /keys/{key_id} --------------------------------------------------------

    Request listQueryDefect() {
        Map<String, String> params = new LinkedHashMap<>();
        for (String name : List.of("environment", "plane", "key_type", "key_state")) {
            if (random.nextInt(3) == 0) {
                params.put(name, pick(vocabulary.get(name)));
            }
        }
        if (random.nextBoolean()) {
            params.put("limit", String.valueOf(1 + random.nextInt(1000)));
        }
        String field;
        String extra = "";
        switch (random.nextInt(8)) {
            case 0 -> {
                field = unknownName(LIST_PARAMS, 64);
                if (field.isEmpty()) {
                    field = "x";
                }
                params.put(field, pick(List.of("1", "dev", "", "true")));
            }
            case 1 -> {
                field = pick(List.of("environment", "plane", "key_type", "key_state"));
                params.put(field, unknownEnumValue(vocabulary.get(field)).replace("\u0000", "!").replace("\n", "!").strip());
                if (params.get(field).isEmpty() || vocabulary.get(field).contains(params.get(field))) {
                    params.put(field, "nope");
                }
            }
            case 2 -> {
                field = "limit";
                params.put(field, pick(List.of("0", "-1", "1001", "99999999999", "1.5", "ten", "0x10", "1e3", " 5",
                        "5 ", String.valueOf(Long.MAX_VALUE))));
            }
            case 3 -> {
                field = "tenant_id";
                String bad = badIdentifier("tenant-a").replace("\u0000", "!");
                params.put(field, bad.isEmpty() || bad.isBlank() ? "-x" : bad);
            }
            case 4 -> {
                field = pick(LIST_PARAMS);
                params.put(field, alnum(257 + random.nextInt(3000)));
            }
            case 5 -> {
                field = pick(List.of("alias", "tenant_id", "cursor", "environment"));
                params.put(field, insert(alnum(1 + random.nextInt(20)), "\u0000"));
            }
            case 6 -> {
                field = pick(List.of("environment", "plane", "key_type", "key_state", "limit"));
                String value = field.equals("limit") ? "5" : pick(vocabulary.get(field));
                params.put(field, value);
                extra = "&" + field + "=" + encodeQuery(value);
            }
            default -> {
                field = "cursor";
                params.put(field, pick(List.of("!!!", "a", "AAAA", "k", "%%%",
                        Base64.getUrlEncoder().withoutPadding().encodeToString(("x:" + alnum(5)).getBytes(StandardCharsets.UTF_8)),
                        Base64.getUrlEncoder().withoutPadding().encodeToString(("k:" + alnum(80)).getBytes(StandardCharsets.UTF_8)),
                        // decodes to a key id with NUL in it: PostgreSQL rejects NUL in text (once a 500)
                        Base64.getUrlEncoder().withoutPadding().encodeToString("k:a\u0000b".getBytes(StandardCharsets.UTF_8)))));
            }
        }
        String path = API + "/keys?" + query(params) + extra;
        return new Request("list-query", "GET /keys bad " + abbreviate(field), "GET", path, null, Map.of(), null, false,
                Expectation.fieldError(field.length() > 64 ? field.substring(0, 64) : field));
    }

    Request getByIdDefect() {
        return switch (random.nextInt(4)) {
            case 0 -> {
                String id = alnum(257 + random.nextInt(3000));
                yield getKey(id, "", "key id of " + id.length() + " characters", Expectation.fieldError("key_id"));
            }
            case 1 -> {
                yield getKey("alias/" + badAlias().replace("\u0000", "!"), "?environment=dev", "malformed alias", Expectation.fieldError("key_id"));
            }
            case 2 -> {
                String name = unknownName(GET_PARAMS, 64);
                String param = name.isEmpty() ? "x" : name;
                yield getKey(existingKeyId, "?" + encodeQuery(param) + "=1", "unknown query parameter",
                        Expectation.fieldError(param));
            }
            default -> {
                String field = pick(GET_PARAMS);
                String value = field.equals("tenant_id") ? badIdentifier("tenant-a").replace("\u0000", "!")
                        : unknownEnumValue(vocabulary.get(field)).replace("\u0000", "!").strip();
                if (value.isBlank() || vocabulary.getOrDefault(field, List.of()).contains(value)) {
                    value = "-x";
                }
                yield getKey(existingKeyId, "?" + field + "=" + encodeQuery(value), "bad " + field,
                        Expectation.fieldError(field));
            }
        };
    }

    private Request getKey(String id, String query, String description, Expectation expected) {
        return new Request("get-key", description, "GET", API + "/keys/" + encodePath(id) + query, null, Map.of(), null,
                false, expected);
    }

    // ---- well-formed requests the domain rejects ---------------------------------------------------------

    Request semanticDefect() {
        Endpoint endpoint = pick(endpoints);
        return switch (random.nextInt(3)) {
            case 0 -> {
                String other = "tenant-" + alnum(1 + random.nextInt(8)).toLowerCase(java.util.Locale.ROOT);
                if (other.equals(tenant)) {
                    other = "tenant-zz";
                }
                yield post("semantic", "foreign tenant " + other, endpoint.path(),
                        render(endpoint.valid(), "tenant_id", quote(other)), Expectation.of(403, "UNAUTHORIZED"));
            }
            case 1 -> {
                if (endpoint.valid().has("key_id")) {
                    String id = insert(alnum(1 + random.nextInt(20)), pick(WEIRD));
                    // NUL is refused up front (storage could not hold it); any other id is merely unknown
                    yield post("semantic", "unknown key id " + abbreviate(id), endpoint.path(),
                            render(endpoint.valid(), "key_id", quote(id)),
                            id.contains("\u0000") ? Expectation.fieldError("key_id") : Expectation.of(404, "KEY_NOT_FOUND"));
                }
                yield getKey(insert(alnum(1 + random.nextInt(20)), pick(WEIRD).replace("\u0000", "!")), "",
                        "unknown key id", Expectation.of(404, "KEY_NOT_FOUND"));
            }
            default -> getKey(insert(alnum(1 + random.nextInt(20)), pick(WEIRD).replace("\u0000", "!")), "",
                    "unknown key id in path", Expectation.of(404, "KEY_NOT_FOUND"));
        };
    }

    // ---- helpers -------------------------------------------------------------------------------------------

    private Request post(String category, String description, String endpointPath, byte[] body, Expectation expected) {
        return new Request(category, description, "POST", API + endpointPath, "application/json", Map.of(), body, false,
                expected);
    }

    /** The valid request with one field's value replaced by raw JSON text (null: the field removed). */
    static byte[] render(ObjectNode valid, String field, String rawValue) {
        ObjectNode copy = valid.deepCopy();
        if (rawValue == null) {
            copy.remove(field);
            return write(copy).getBytes(StandardCharsets.UTF_8);
        }
        copy.put(field, RAW);
        return write(copy).replace("\"" + RAW + "\"", rawValue).getBytes(StandardCharsets.UTF_8);
    }

    private static String replaceValue(Endpoint endpoint, String field, String rawValue) {
        return new String(render(endpoint.valid(), field, rawValue), StandardCharsets.UTF_8);
    }

    static String write(JsonNode node) {
        try {
            return KmsClient.JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static String quote(String text) {
        return KmsClient.JSON.getNodeFactory().textNode(text).toString();
    }

    private <T> T pick(List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

    private <T> T pick(T[] values) {
        return values[random.nextInt(values.length)];
    }

    private String insert(String base, String piece) {
        int at = random.nextInt(base.length() + 1);
        return base.substring(0, at) + piece + base.substring(at);
    }

    private String alnum(int length) {
        StringBuilder out = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            out.append(ALNUM.charAt(random.nextInt(ALNUM.length())));
        }
        return out.toString();
    }

    private String digits(int length) {
        StringBuilder out = new StringBuilder(length);
        out.append((char) ('1' + random.nextInt(9)));
        for (int i = 1; i < length; i++) {
            out.append((char) ('0' + random.nextInt(10)));
        }
        return out.toString();
    }

    private byte[] randomBytes(int length) {
        byte[] out = new byte[length];
        random.nextBytes(out);
        return out;
    }

    private static String b64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    private static String hex(int[] bytes) {
        StringBuilder out = new StringBuilder();
        for (int b : bytes) {
            out.append(String.format("%02X", b));
        }
        return out.toString();
    }

    private static String hex(byte[] bytes) {
        StringBuilder out = new StringBuilder();
        for (byte b : bytes) {
            out.append(String.format("%02X", b & 0xff));
        }
        return out.toString();
    }

    private static String abbreviate(String text) {
        String shown = text.length() > 40 ? text.substring(0, 40) + "...(" + text.length() + ")" : text;
        return shown.replace("\u0000", "\\0").replace("\n", "\\n");
    }

    static String encodeQuery(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** Percent-encodes everything but unreserved characters, so the id arrives as one path segment. */
    static String encodePath(String value) {
        StringBuilder out = new StringBuilder();
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-._~".indexOf(c) >= 0) {
                out.append((char) c);
            } else {
                out.append('%').append(String.format("%02X", c));
            }
        }
        return out.toString();
    }

    private static String query(Map<String, String> params) {
        StringBuilder out = new StringBuilder();
        params.forEach((name, value) -> out.append(out.length() == 0 ? "" : "&").append(encodeQuery(name)).append('=')
                .append(encodeQuery(value)));
        return out.toString();
    }

    /** Builds an array node of strings; used by the test to assemble templates. */
    static ArrayNode strings(String... values) {
        ArrayNode array = KmsClient.JSON.createArrayNode();
        for (String v : values) {
            array.add(v);
        }
        return array;
    }
}
