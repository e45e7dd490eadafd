package com.zeroui.kms.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;

/**
 * One HTTP exchange with the service, repeated under the {@link RetryPolicy}: JSON in, JSON out, and
 * every non-2xx answer turned into a {@link KmsApiException} carrying the service's ErrorResponse.
 */
final class Transport {
    static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /** Whether a request may be sent again after it went out and no answer came back. */
    enum Repeat { SAFE, ONLY_IF_REFUSED }

    private final String baseUrl;
    private final HttpClient http;
    private final Duration requestTimeout;
    private final RetryPolicy retry;
    private final Map<String, String> headers;
    private final Sleeper sleeper;

    interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    Transport(String baseUrl, HttpClient http, Duration requestTimeout, RetryPolicy retry, Map<String, String> headers,
              Sleeper sleeper) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.http = http;
        this.requestTimeout = requestTimeout;
        this.retry = retry;
        this.headers = Map.copyOf(headers);
        this.sleeper = sleeper;
    }

    String baseUrl() {
        return baseUrl;
    }

    <T> T get(String path, Map<String, ?> query, Class<T> type) {
        return convert(send("GET", path + queryString(query), null, Repeat.SAFE), type);
    }

    /** A GET whose {@code alsoOk} status carries a normal body (health's 503 "unhealthy"), not an ErrorResponse. */
    <T> T getAllowing(String path, int alsoOk, Class<T> type) {
        HttpRequest request = request(path).header("Accept", "application/json").GET().build();
        return convert(parse("GET", path, exchange(request, Repeat.SAFE, alsoOk).body()), type);
    }

    <T> T post(String path, Object body, Class<T> type, Repeat repeat) {
        return convert(send("POST", path, body, repeat), type);
    }

    <T> T put(String path, Object body, Class<T> type) {
        return convert(send("PUT", path, body, Repeat.SAFE), type);
    }

    <T> T delete(String path, Class<T> type) {
        return convert(send("DELETE", path, null, Repeat.SAFE), type);
    }

    /** Raw bytes of a non-JSON answer (CRLs, OCSP), with the request's own content type. */
    byte[] exchangeBytes(String method, String path, String contentType, byte[] body, String accept) {
        HttpRequest.Builder b = request(path).header("Accept", accept);
        if (body == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", contentType).method(method, HttpRequest.BodyPublishers.ofByteArray(body));
        }
        return exchange(b.build(), Repeat.SAFE, 0).body();
    }

    JsonNode send(String method, String path, Object body, Repeat repeat) {
        HttpRequest.Builder b = request(path).header("Accept", "application/json");
        if (body == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofByteArray(serialize(body)));
        }
        return parse(method, path, exchange(b.build(), repeat, 0).body());
    }

    private static JsonNode parse(String method, String path, byte[] answer) {
        try {
            return answer.length == 0 ? JSON.nullNode() : JSON.readTree(answer);
        } catch (IOException e) {
            throw new KmsClientException(method + " " + path + ": the answer is not JSON", e);
        }
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(requestTimeout);
        headers.forEach(b::header);
        return b;
    }

    private HttpResponse<byte[]> exchange(HttpRequest request, Repeat repeat, int alsoOk) {
        for (int attempt = 1; ; attempt++) {
            HttpResponse<byte[]> response;
            try {
                response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            } catch (IOException e) {
                // a refused connection never reached the service; anything later might have
                boolean refused = e instanceof java.net.ConnectException;
                if (attempt >= retry.maxAttempts() || (repeat == Repeat.ONLY_IF_REFUSED && !refused)) {
                    throw new KmsClientException(request.method() + " " + request.uri() + ": " + describe(e), e);
                }
                pause(retry.delay(attempt, null));
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KmsClientException("interrupted", e);
            }
            int status = response.statusCode();
            if (status >= 200 && status < 300 || status == alsoOk) {
                return response;
            }
            KmsApiException failure = new KmsApiException(status, errorResponse(status, response.body()));
            if (!failure.retryable() || attempt >= retry.maxAttempts()) {
                throw failure;
            }
            pause(retry.delay(attempt, retryAfter(response).orElse(null)));
        }
    }

    private void pause(Duration d) {
        try {
            sleeper.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KmsClientException("interrupted while waiting to retry", e);
        }
    }

    private static String describe(IOException e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + " " + e.getMessage();
    }

    static ErrorResponse errorResponse(int status, byte[] body) {
        try {
            JsonNode node = JSON.readTree(body);
            if (node != null && node.hasNonNull("code")) {
                @SuppressWarnings("unchecked")
                Map<String, Object> details = node.has("details") ? JSON.convertValue(node.get("details"), Map.class) : Map.of();
                return new ErrorResponse(node.get("code").asText(), node.path("message").asText(""), details,
                        node.path("retryable").asBoolean(false));
            }
        } catch (IOException notJson) {
            // a proxy or load balancer answered: fall through
        }
        String text = new String(body, StandardCharsets.UTF_8);
        // without the service's word, only gateway-style outages are worth repeating
        return new ErrorResponse("HTTP_" + status, text.length() > 200 ? text.substring(0, 200) : text, Map.of(),
                status == 502 || status == 503 || status == 504);
    }

    /** {@code Retry-After}: delta-seconds or an HTTP-date (RFC 9110 §10.2.3). */
    static Optional<Duration> retryAfter(HttpResponse<?> response) {
        return response.headers().firstValue("Retry-After").flatMap(Transport::parseRetryAfter);
    }

    static Optional<Duration> parseRetryAfter(String value) {
        String v = value.trim();
        if (v.matches("\\d{1,9}")) {
            return Optional.of(Duration.ofSeconds(Long.parseLong(v)));
        }
        try {
            Duration d = Duration.between(ZonedDateTime.now(), ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME));
            return Optional.of(d.isNegative() ? Duration.ZERO : d);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static byte[] serialize(Object body) {
        try {
            return JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new KmsClientException("cannot serialize the request: " + e.getMessage(), e);
        }
    }

    static <T> T convert(JsonNode node, Class<T> type) {
        if (type == JsonNode.class) {
            return type.cast(node);
        }
        try {
            return JSON.treeToValue(node, type);
        } catch (JsonProcessingException e) {
            throw new KmsClientException("unexpected answer for " + type.getSimpleName() + ": " + e.getOriginalMessage(), e);
        }
    }

    static String queryString(Map<String, ?> query) {
        if (query == null || query.isEmpty()) {
            return "";
        }
        StringJoiner q = new StringJoiner("&", "?", "");
        query.forEach((k, v) -> {
            if (v != null) {
                q.add(URLEncoder.encode(k, StandardCharsets.UTF_8) + "=" + URLEncoder.encode(v.toString(), StandardCharsets.UTF_8));
            }
        });
        return q.length() == 1 ? "" : q.toString();
    }

    static String segment(String pathPart) {
        return URLEncoder.encode(pathPart, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
