package com.zeroui.kms.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import javax.net.ssl.SSLContext;

/**
 * HTTP/1.1 over mutual TLS to a running KMS. One shared java.net.http client: its pool keeps a
 * connection per concurrent caller alive between requests (keep-alive is its default), so after
 * warm-up no request pays for a TLS handshake.
 */
public final class BenchClient {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final String apiBase;
    private final HttpClient http;

    public BenchClient(String baseUrl, SSLContext tls) {
        String trimmed = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.apiBase = trimmed + "/kms/v1";
        this.http = HttpClient.newBuilder().sslContext(tls).version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
    }

    public record Reply(int status, String body) {
        public boolean ok() {
            return status >= 200 && status < 300;
        }
    }

    /** A POST with a fixed JSON body, built once and sent many times. */
    public HttpRequest postRequest(String path, String json) {
        return HttpRequest.newBuilder(URI.create(apiBase + path)).timeout(TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)).build();
    }

    public HttpRequest getRequest(String pathAndQuery) {
        return HttpRequest.newBuilder(URI.create(apiBase + pathAndQuery)).timeout(TIMEOUT).GET().build();
    }

    public Reply send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        return new Reply(response.statusCode(), response.body());
    }

    /** A 429 or 503 the server marked retryable: load shed by admission control or a limit, not a failure of the service. */
    public static final class RefusedException extends IOException {
        private static final long serialVersionUID = 1L;

        RefusedException(String message) {
            super(message);
        }
    }

    /** Sends and fails loudly on anything but 2xx, quoting the server's ErrorResponse. */
    public String require2xx(HttpRequest request) throws IOException, InterruptedException {
        Reply reply = send(request);
        if ((reply.status() == 503 || reply.status() == 429) && reply.body().contains("\"retryable\":true")) {
            throw new RefusedException(request.method() + " " + request.uri().getPath() + " refused with " + reply.status());
        }
        if (!reply.ok()) {
            throw new IOException(request.method() + " " + request.uri().getPath() + " answered " + reply.status()
                    + ": " + abbreviate(reply.body()));
        }
        return reply.body();
    }

    private static String abbreviate(String body) {
        return body.length() <= 300 ? body : body.substring(0, 300) + "...";
    }
}
