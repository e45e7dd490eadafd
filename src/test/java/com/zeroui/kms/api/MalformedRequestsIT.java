package com.zeroui.kms.api;

import static com.zeroui.kms.api.MalformedRequests.API;
import static com.zeroui.kms.api.MalformedRequests.Expectation.badRequest;
import static com.zeroui.kms.api.MalformedRequests.Expectation.fieldError;
import static com.zeroui.kms.api.MalformedRequests.MAX_BODY;
import static com.zeroui.kms.api.MalformedRequests.render;
import static com.zeroui.kms.api.MalformedRequests.strings;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zeroui.kms.api.MalformedRequests.Endpoint;
import com.zeroui.kms.api.MalformedRequests.Expectation;
import com.zeroui.kms.api.MalformedRequests.FieldSpec;
import com.zeroui.kms.api.MalformedRequests.Kind;
import com.zeroui.kms.api.MalformedRequests.Request;
import com.zeroui.kms.support.ErrorResponseAssert;
import com.zeroui.kms.support.KmsClient;
import com.zeroui.kms.support.PostgresDatabases;
import com.zeroui.kms.support.TestNode;
import com.zeroui.kms.trust.CertificateAuthority;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bad input never gets a 5xx: over a thousand generated malformed requests against every
 * endpoint of a real node (once over SQLite, once over PostgreSQL), each answered with a
 * well-formed ErrorResponse, the field named where the request had exactly one broken field; plus
 * tables of hand-written cases, down to raw HTTP that Jetty refuses, with their exact status and
 * code. The generator's seed is printed; rerun a failure with
 * {@code -Dkms.fuzz.seed=<seed>}.
 */
class MalformedRequestsIT {
    private static final long SEED = Long.getLong("kms.fuzz.seed", new SecureRandom().nextLong());
    private static final int GENERATED = Math.max(1000, Integer.getInteger("kms.fuzz.count", 1200));
    private static final String TENANT = "tenant-a";
    /** What must never appear in an error body: stack frames, exception or internal class names. */
    private static final List<String> INTERNALS = List.of("Exception", "\tat ", "org.eclipse", "io.javalin",
            "com.fasterxml", "com.zeroui", "java.lang", "java.io", "<html", "StreamReadConstraints", "DeserializationFeature",
            "JsonReadFeature");

    /** A running node with an authenticated client (module M21 of tenant-a) and the requests it accepts. */
    record Target(String store, TestNode node, SSLContext tls, HttpClient http, KmsClient client, String edKey,
                  List<Endpoint> endpoints) {
        static Target start(String store, TestNode node) {
            CertificateAuthority ca = node.node().data().ca();
            CertificateAuthority.ClientCredential m21 = ca.issueClient("M21", TENANT, Set.of(), Duration.ofDays(1));
            KmsClient client = KmsClient.fromCredential(node.baseUrl(), m21.privateKey(), m21.chain(), ca.ca().root());
            SSLContext tls = KmsClient.sslContext(m21.privateKey(), m21.chain(), ca.ca().root());
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(10)).sslContext(tls).build();
            String edKey = createKey(client, "Ed25519", "sign", "verify");
            String aesKey = createKey(client, "AES-256", "encrypt", "decrypt");
            return new Target(store, node, tls, http, client, edKey, templates(client, edKey, aesKey));
        }

        int port() {
            return node.node().port();
        }
    }

    static PostgresDatabases.TempDatabase database;
    static Target sqlite;
    static Target postgres;

    @BeforeAll
    static void start() {
        System.out.println("MalformedRequestsIT seed " + SEED + " (rerun with -Dkms.fuzz.seed=" + SEED + ")");
        sqlite = Target.start("sqlite", TestNode.start());
        database = PostgresDatabases.create("fuzz");
        postgres = Target.start("postgresql", TestNode.start(c -> c.database(database.url(), database.user(), database.password())));
    }

    @AfterAll
    static void stop() {
        try (PostgresDatabases.TempDatabase dropLast = database) {
            if (sqlite != null) {
                sqlite.node().close();
            }
            if (postgres != null) {
                postgres.node().close();
            }
        }
    }

    private static String createKey(KmsClient client, String type, String... usage) {
        KmsClient.Response r = client.createKey(TENANT, type, usage);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.text("key_id");
    }

    /** One accepted request per POST endpoint and the fields it carries. */
    private static List<Endpoint> templates(KmsClient client, String edKey, String aesKey) {
        List<FieldSpec> scope = List.of(FieldSpec.of("tenant_id", Kind.TENANT, true),
                FieldSpec.enumOf("environment", true, Fields.ENVIRONMENTS, List.of()),
                FieldSpec.enumOf("plane", true, Fields.PLANES, List.of()));

        ObjectNode create = KmsClient.scope(TENANT, "dev", "tenant").put("key_type", "Ed25519");
        create.set("key_usage", strings("sign", "verify"));
        ObjectNode policy = create.putObject("access_policy");
        policy.set("allowed_modules", strings("M21"));
        policy.put("requires_approval", false).put("max_usage_per_day", 1000);

        byte[] data = "malformed-requests".getBytes(StandardCharsets.UTF_8);
        String b64Data = Base64.getEncoder().encodeToString(data);
        ObjectNode sign = KmsClient.scope(TENANT, "dev", "tenant").put("key_id", edKey).put("data", b64Data)
                .put("algorithm", "EdDSA");
        ObjectNode verify = sign.deepCopy().put("signature", client.sign(TENANT, edKey, data, "EdDSA").text("signature"));

        byte[] aad = "context".getBytes(StandardCharsets.UTF_8);
        ObjectNode encrypt = KmsClient.scope(TENANT, "dev", "tenant").put("key_id", aesKey).put("plaintext", b64Data)
                .put("aad", Base64.getEncoder().encodeToString(aad)).put("algorithm", "AES-256-GCM");
        KmsClient.Response sealed = client.encrypt(TENANT, aesKey, data, aad, "AES-256-GCM");
        ObjectNode decrypt = KmsClient.scope(TENANT, "dev", "tenant").put("key_id", aesKey)
                .put("ciphertext", sealed.text("ciphertext")).put("iv", sealed.text("iv"))
                .put("aad", Base64.getEncoder().encodeToString(aad)).put("algorithm", "AES-256-GCM");

        FieldSpec keyId = FieldSpec.of("key_id", Kind.KEY_ID, true);
        FieldSpec signatureAlgorithm = FieldSpec.enumOf("algorithm", false, Fields.SIGNATURE_ALGORITHMS,
                List.of("RS256", "PS256"));
        FieldSpec aeadAlgorithm = FieldSpec.enumOf("algorithm", false, Fields.AEAD_ALGORITHMS, List.of());
        FieldSpec aadField = FieldSpec.of("aad", Kind.BASE64, false);
        return List.of(
                new Endpoint("/keys", create, concat(scope, FieldSpec.enumOf("key_type", true, Fields.KEY_TYPES, List.of()),
                        FieldSpec.of("key_usage", Kind.USAGE, true), FieldSpec.of("access_policy", Kind.POLICY, false))),
                new Endpoint("/sign", sign, concat(scope, keyId, FieldSpec.of("data", Kind.BASE64, true), signatureAlgorithm)),
                new Endpoint("/verify", verify, concat(scope, keyId, FieldSpec.of("data", Kind.BASE64, true),
                        FieldSpec.of("signature", Kind.BASE64, true), signatureAlgorithm)),
                new Endpoint("/encrypt", encrypt, concat(scope, keyId, FieldSpec.of("plaintext", Kind.BASE64, true),
                        aadField, aeadAlgorithm)),
                new Endpoint("/decrypt", decrypt, concat(scope, keyId, FieldSpec.of("ciphertext", Kind.BASE64, true),
                        FieldSpec.of("iv", Kind.IV, true), aadField, aeadAlgorithm)));
    }

    private static List<FieldSpec> concat(List<FieldSpec> first, FieldSpec... more) {
        List<FieldSpec> all = new ArrayList<>(first);
        all.addAll(List.of(more));
        return all;
    }

    /** The same generated requests against both stores: storage must not turn odd input into a 5xx either. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sqlite", "postgresql"})
    void everyGeneratedMalformedRequestGetsAWellFormedClientError(String store) {
        Target target = store.equals("sqlite") ? sqlite : postgres;
        // The templates are accepted, so a field-level error on a mutated copy comes from its one defect.
        for (Endpoint endpoint : target.endpoints()) {
            KmsClient.Response ok = target.client().post(endpoint.path(), endpoint.valid());
            assertThat(ok.status()).as("template for %s: %s", endpoint.path(), ok.body()).isBetween(200, 201);
        }
        Map<String, List<String>> vocabulary = Map.of("environment", Fields.ENVIRONMENTS, "plane", Fields.PLANES,
                "key_type", Fields.KEY_TYPES, "key_state", Fields.KEY_STATES);
        List<Request> requests = new MalformedRequests(new Random(SEED), target.endpoints(), TENANT, target.edKey(), vocabulary)
                .generate(GENERATED);

        List<String> failures = new ArrayList<>();
        Map<String, Integer> perCategory = new TreeMap<>();
        int fieldChecks = 0;
        long started = System.nanoTime();
        for (Request request : requests) {
            perCategory.merge(request.category(), 1, Integer::sum);
            if (request.expected().field() != null) {
                fieldChecks++;
            }
            List<String> problems = problems(request, send(target, request));
            if (!problems.isEmpty()) {
                failures.add(request + "\n    -> " + String.join("\n    -> ", problems));
            }
        }
        System.out.printf("MalformedRequestsIT on %s: %d requests in %d ms, %d with a field check, by category %s%n",
                store, requests.size(), (System.nanoTime() - started) / 1_000_000, fieldChecks, perCategory);

        assertThat(requests).hasSizeGreaterThanOrEqualTo(1000);
        assertThat(fieldChecks).isGreaterThanOrEqualTo(400);
        assertThat(failures).as("on %s, %d of %d malformed requests were answered wrongly (seed %d; rerun with"
                + " -Dkms.fuzz.seed=%d); first ones:%n%s", store, failures.size(), requests.size(), SEED, SEED,
                String.join("\n", failures.subList(0, Math.min(25, failures.size())))).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("handcrafted")
    void handcraftedRequestGetsItsDocumentedAnswer(String name, Request request) {
        assertThat(problems(request, send(sqlite, request))).as(request.toString()).isEmpty();
    }

    static Stream<Arguments> handcrafted() {
        ObjectNode sign = sqlite.endpoints().get(1).valid();
        ObjectNode decrypt = sqlite.endpoints().get(4).valid();
        ObjectNode create = sqlite.endpoints().get(0).valid();
        String signJson = MalformedRequests.write(sign);
        return Stream.of(
                // transport-level: media type, method, route, size
                row("415 for text/plain", post("/sign", "text/plain", signJson), Expectation.of(415, "INVALID_REQUEST")),
                row("415 without Content-Type", post("/keys", null, MalformedRequests.write(create)),
                        Expectation.of(415, "INVALID_REQUEST")),
                row("415 for application/xml", post("/encrypt", "application/xml", "<encrypt/>"),
                        Expectation.of(415, "INVALID_REQUEST")),
                row("405 for DELETE /keys", request("DELETE", API + "/keys", null, null),
                        Expectation.of(405, "INVALID_REQUEST")),
                row("405 for GET /sign", request("GET", API + "/sign", null, null), Expectation.of(405, "INVALID_REQUEST")),
                row("405 for PUT /keys/{id}", request("PUT", API + "/keys/" + sqlite.edKey(), "application/json", "{}"),
                        Expectation.of(405, "INVALID_REQUEST")),
                row("404 for an unknown route", request("GET", API + "/nope", null, null),
                        Expectation.of(404, "INVALID_REQUEST")),
                row("404 for another API version", request("GET", "/kms/v2/keys", null, null),
                        Expectation.of(404, "INVALID_REQUEST")),
                row("404 for a path below /sign", post("/sign/extra", "application/json", signJson),
                        Expectation.of(404, "INVALID_REQUEST")),
                row("413 one byte over 1 MiB", bytes("POST", API + "/sign", MalformedRequests.padded(sign, "data", MAX_BODY + 1),
                        false), Expectation.of(413, "INVALID_REQUEST")),
                row("413 for 2 MiB sent chunked", bytes("POST", API + "/sign", MalformedRequests.padded(sign, "data",
                        2 * MAX_BODY), true), Expectation.of(413, "INVALID_REQUEST")),
                row("exactly 1 MiB is read and parsed", bytes("POST", API + "/sign",
                        MalformedRequests.padded(sign, "padding", MAX_BODY), false), fieldError("padding")),
                // malformed JSON
                row("empty body", post("/sign", "application/json", ""), badRequest()),
                row("JSON array body", post("/sign", "application/json", "[" + signJson + "]"), badRequest()),
                row("JSON string body", post("/verify", "application/json", "\"sign\""), badRequest()),
                row("JSON number body", post("/encrypt", "application/json", "42"), badRequest()),
                row("JSON null body", post("/decrypt", "application/json", "null"), badRequest()),
                row("truncated JSON", post("/sign", "application/json", signJson.substring(0, signJson.length() - 1)),
                        badRequest()),
                row("trailing garbage", post("/sign", "application/json", signJson + "}"), badRequest()),
                row("10 000 nested arrays", post("/sign", "application/json", "[".repeat(10_000) + "]".repeat(10_000)),
                        badRequest()),
                row("10 000 nested arrays as tenant_id", bytes("POST", API + "/sign",
                        render(sign, "tenant_id", "[".repeat(10_000) + "]".repeat(10_000)), false), badRequest()),
                row("5000-digit number", bytes("POST", API + "/sign", render(sign, "tenant_id", "9".repeat(5000)), false),
                        badRequest()),
                row("invalid UTF-8 byte 0xFF in a string", bytes("POST", API + "/sign",
                        withBytesIn(sign, "key_id", 0xFF), false), badRequest()),
                row("overlong UTF-8 encoding of '/'", bytes("POST", API + "/sign", withBytesIn(sign, "key_id", 0xC0, 0xAF),
                        false), badRequest()),
                row("UTF-8-encoded surrogate", bytes("POST", API + "/sign", withBytesIn(sign, "key_id", 0xED, 0xA0, 0x80),
                        false), badRequest()),
                row("UTF-8 BOM before a request without key_id", bytes("POST", API + "/sign",
                        prefixed(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, render(sign, "key_id", null)), false),
                        fieldError("key_id")),
                row("duplicate key", post("/sign", "application/json", "{\"tenant_id\":\"" + TENANT + "\","
                        + signJson.substring(1)), badRequest().mentioning("'tenant_id'")),
                // one broken field
                row("unknown field", bytes("POST", API + "/sign", render(sign, "colour", "\"blue\""), false),
                        fieldError("colour")),
                row("field name of 10 000 characters", bytes("POST", API + "/sign", render(sign, "f".repeat(10_000), "1"),
                        false), fieldError("f".repeat(64) + "…")),
                row("tenant_id of 10 000 characters", bytes("POST", API + "/sign",
                        render(sign, "tenant_id", "\"" + "t".repeat(10_000) + "\""), false), fieldError("tenant_id")),
                row("wrong type for environment", bytes("POST", API + "/sign", render(sign, "environment", "1"), false),
                        fieldError("environment")),
                row("unknown plane", bytes("POST", API + "/sign", render(sign, "plane", "\"orbit\""), false),
                        fieldError("plane")),
                row("null key_id", bytes("POST", API + "/sign", render(sign, "key_id", "null"), false), fieldError("key_id")),
                row("URL-safe base64 data", bytes("POST", API + "/sign", render(sign, "data", "\"-_-_\""), false),
                        fieldError("data")),
                row("base64 data with a line break", bytes("POST", API + "/sign", render(sign, "data", "\"AAAA\\nAAAA\""),
                        false), fieldError("data")),
                row("NUL in key_id", bytes("POST", API + "/sign", render(sign, "key_id", "\"k\\u0000\""), false),
                        fieldError("key_id")),
                row("NUL in the alias filter", request("GET", API + "/keys?alias=a%00b", null, null), fieldError("alias")),
                row("algorithm of another key type", bytes("POST", API + "/sign", render(sign, "algorithm", "\"RS256\""),
                        false), fieldError("algorithm")),
                row("8-byte iv", bytes("POST", API + "/decrypt", render(decrypt, "iv", "\"AAAAAAAAAAA=\""), false),
                        fieldError("iv")),
                row("key_usage not valid for the key type", bytes("POST", API + "/keys",
                        render(create, "key_usage", "[\"encrypt\"]"), false), fieldError("key_usage")),
                row("1e400 as max_usage_per_day", bytes("POST", API + "/keys", render(create, "access_policy",
                        "{\"max_usage_per_day\":1e400}"), false), fieldError("access_policy.max_usage_per_day")),
                // semantics: well-formed but refused
                row("another tenant", bytes("POST", API + "/sign", render(sign, "tenant_id", "\"tenant-b\""), false),
                        Expectation.of(403, "UNAUTHORIZED")),
                // a lone surrogate has no UTF-8 form: it could not be stored or put in a signed receipt
                row("lone surrogate escape in key_id", bytes("POST", API + "/sign", render(sign, "key_id", "\"k\\ud800\""),
                        false), fieldError("key_id")),
                row("unknown key id in the path", request("GET", API + "/keys/no-such-key", null, null),
                        Expectation.of(404, "KEY_NOT_FOUND")),
                // query parameters
                row("limit=0", request("GET", API + "/keys?limit=0", null, null), fieldError("limit")),
                row("unknown query parameter", request("GET", API + "/keys?colour=blue", null, null), fieldError("colour")),
                row("query parameter given twice", request("GET", API + "/keys?environment=dev&environment=prod", null, null),
                        fieldError("environment")),
                // rejected by Jetty before any route: still the JSON envelope
                row("invalid UTF-8 in the path", request("GET", API + "/keys/%FF%FE", null, null),
                        Expectation.of(400, "INVALID_REQUEST")),
                row("NUL in the path", request("GET", API + "/keys/a%00b", null, null), Expectation.of(400, "INVALID_REQUEST")),
                row("URI of 10 000 characters", request("GET", API + "/keys/" + "k".repeat(10_000), null, null),
                        Expectation.of(414, "INVALID_REQUEST")),
                row("20 KiB request header", new Request("handcrafted", "large header", "GET", API + "/keys", null,
                        Map.of("X-Padding", "p".repeat(20 * 1024)), null, false, null), Expectation.of(431, "INVALID_REQUEST")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedHttp")
    void malformedHttpGetsTheJsonEnvelopeToo(String name, String request, int status) throws IOException {
        Request described = new Request("raw", name, "-", "-", null, Map.of(), request.getBytes(StandardCharsets.ISO_8859_1),
                false, Expectation.of(status, "INVALID_REQUEST"));
        KmsClient.Response response = RawHttps.exchange(sqlite.tls(), sqlite.port(),
                request.getBytes(StandardCharsets.ISO_8859_1));
        assertThat(problems(described, response)).as(described.toString()).isEmpty();
    }

    /** What Jetty refuses before any route runs; ISO-8859-1 so that \u00ff is the raw byte 0xFF. */
    static Stream<Arguments> malformedHttp() {
        String close = "Host: 127.0.0.1\r\nConnection: close\r\n";
        String json = "Content-Type: application/json\r\n";
        return Stream.of(
                Arguments.of("bad percent-encoding in the path", "GET /kms/v1/keys/%ZZ HTTP/1.1\r\n" + close + "\r\n", 400),
                Arguments.of("overlong UTF-8 escape in the path", "GET /kms/v1/keys/%C0%AF HTTP/1.1\r\n" + close + "\r\n", 400),
                Arguments.of("raw byte 0xFF in the path", "GET /kms/v1/keys/\u00ff HTTP/1.1\r\n" + close + "\r\n", 400),
                Arguments.of("space in the path", "GET /kms/v1/keys/a b HTTP/1.1\r\n" + close + "\r\n", 400),
                Arguments.of("Content-Length not a number", "POST /kms/v1/sign HTTP/1.1\r\n" + close + json
                        + "Content-Length: abc\r\n\r\n{}", 400),
                Arguments.of("Content-Length and chunked together", "POST /kms/v1/sign HTTP/1.1\r\n" + close + json
                        + "Content-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n", 400),
                Arguments.of("malformed chunk size", "POST /kms/v1/sign HTTP/1.1\r\n" + close + json
                        + "Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n", 400),
                Arguments.of("header line without a colon", "GET /kms/v1/keys HTTP/1.1\r\n" + close + "NoColon\r\n\r\n", 400),
                Arguments.of("no Host header", "GET /kms/v1/keys HTTP/1.1\r\nConnection: close\r\n\r\n", 400),
                Arguments.of("garbage request line", "HELLO\r\n\r\n", 400),
                Arguments.of("unsupported HTTP version", "GET /kms/v1/keys HTTP/9.9\r\n" + close + "\r\n", 400));
    }

    private static Arguments row(String name, Request request, Expectation expected) {
        return Arguments.of(name, new Request("handcrafted", name, request.method(), request.path(), request.contentType(),
                request.headers(), request.body(), request.chunked(), expected));
    }

    private static Request post(String endpoint, String contentType, String body) {
        return request("POST", API + endpoint, contentType, body);
    }

    private static Request request(String method, String path, String contentType, String body) {
        return new Request("handcrafted", "", method, path, contentType, Map.of(),
                body == null ? null : body.getBytes(StandardCharsets.UTF_8), false, null);
    }

    private static Request bytes(String method, String path, byte[] body, boolean chunked) {
        return new Request("handcrafted", "", method, path, "application/json", Map.of(), body, chunked, null);
    }

    /** The template with raw bytes placed inside the string value of {@code field}. */
    private static byte[] withBytesIn(ObjectNode template, String field, int... raw) {
        String marker = "@@BYTES@@";
        String text = new String(render(template, field, "\"a" + marker + "b\""), StandardCharsets.UTF_8);
        int at = text.indexOf(marker);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(text.substring(0, at).getBytes(StandardCharsets.UTF_8));
        for (int b : raw) {
            out.write(b);
        }
        out.writeBytes(text.substring(at + marker.length()).getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    private static byte[] prefixed(byte[] prefix, byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(prefix);
        out.writeBytes(body);
        return out.toByteArray();
    }

    // ---- sending and judging -----------------------------------------------------------------------

    private static KmsClient.Response send(Target target, Request request) {
        HttpRequest.BodyPublisher body = request.body() == null ? HttpRequest.BodyPublishers.noBody()
                : request.chunked() ? HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(request.body()))
                : HttpRequest.BodyPublishers.ofByteArray(request.body());
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + target.port() + request.path()))
                .method(request.method(), body).timeout(Duration.ofSeconds(30));
        if (request.contentType() != null) {
            builder.header("Content-Type", request.contentType());
        }
        request.headers().forEach(builder::header);
        try {
            HttpResponse<String> response = target.http().send(builder.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new KmsClient.Response(response.statusCode(), response.body(), response.headers().map());
        } catch (IOException e) {
            return new KmsClient.Response(-1, "no response: " + e, Map.of());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Everything wrong with the answer to one malformed request; empty when it is right. */
    static List<String> problems(Request request, KmsClient.Response response) {
        List<String> problems = new ArrayList<>();
        if (response.status() < 400 || response.status() > 499) {
            problems.add("status " + response.status() + " is not 4xx: " + abbreviate(response.body()));
        }
        JsonNode error;
        try {
            error = ErrorResponseAssert.assertWellFormedError(response);
        } catch (AssertionError e) {
            problems.add("not a well-formed ErrorResponse: " + abbreviate(e.getMessage()));
            return problems;
        }
        String contentType = response.headers().getOrDefault("content-type", List.of("")).get(0);
        if (!contentType.startsWith("application/json")) {
            problems.add("Content-Type " + contentType);
        }
        INTERNALS.stream().filter(response.body()::contains).forEach(s -> problems.add("body reveals internals (" + s + ")"));
        Expectation expected = request.expected();
        if (expected.status() != null && expected.status() != response.status()) {
            problems.add("status " + response.status() + ", expected " + expected.status() + ": " + abbreviate(response.body()));
        }
        String code = error.path("code").asText();
        if (expected.code() != null && !expected.code().equals(code)) {
            problems.add("code " + code + ", expected " + expected.code());
        }
        String message = error.path("message").asText();
        if (expected.field() != null) {
            String field = error.path("details").path("field").asText(null);
            if (!expected.field().equals(field)) {
                problems.add("details.field " + abbreviate(String.valueOf(field)) + ", expected "
                        + abbreviate(expected.field()) + ": " + abbreviate(message));
            } else if (!message.contains(field)) {
                problems.add("message does not name the field " + abbreviate(field) + ": " + abbreviate(message));
            }
        }
        if (expected.messageContains() != null && !message.contains(expected.messageContains())) {
            problems.add("message does not mention " + expected.messageContains() + ": " + abbreviate(message));
        }
        return problems;
    }

    private static String abbreviate(String text) {
        return text == null || text.length() <= 300 ? text : text.substring(0, 300) + "...(" + text.length() + ")";
    }
}
