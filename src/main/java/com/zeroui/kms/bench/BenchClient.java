package com.zeroui.kms.bench;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedDeque;
import javax.net.SocketFactory;
import javax.net.ssl.SSLContext;

/**
 * HTTP/1.1 over mutual TLS to a running KMS, for the load generator: each request is sent on a
 * {@link HttpConnection} of its own (a blocking JDK {@code SSLSocket}, keep-alive), taken from
 * and returned to a LIFO pool of idle connections. A closed-loop client therefore holds exactly
 * one connection while its request is in flight, the pool never grows beyond the number of
 * concurrent clients, and after warm-up no request pays for a TLS handshake.
 *
 * <p>Why not {@code java.net.http.HttpClient}, which this class used before: measured against a
 * real server, its one selector thread, worker executor and CompletableFuture chain cost the
 * bench process about as much CPU per request as the server spent answering it (≈300 µs), on
 * the same two cores, so end-to-end figures measured the client. A blocking exchange on a
 * socket owned by the calling thread does the same work (one TLS record out, the reply's
 * records in) with no hand-off between threads. A general-purpose blocking library was measured
 * too (Apache HttpClient 5.6 classic, connection state disabled): no candidate came under the
 * ≈60 µs of client CPU per request aimed at, and Apache's measured somewhat lighter than this class, so
 * this class is kept for adding no dependency to the server's jar and for behaviour its tests pin
 * down (docs/performance.md has the figures). This is a load generator, not a
 * general HTTP client: it speaks only what the KMS needs (GET and POST with a JSON body;
 * Content-Length, chunked or read-to-close bodies; keep-alive and {@code Connection: close}).
 *
 * <p>A request that fails on a pooled connection before any byte of the reply arrived (the
 * server closed the idle connection) is sent once more on a new connection; every exchange
 * must finish within {@link #TIMEOUT}.
 */
public final class BenchClient implements AutoCloseable {
    /** The longest one exchange (request written, whole reply read) may take. */
    static final Duration TIMEOUT = Duration.ofSeconds(30);
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private final String apiBase;
    private final HttpConnection.Endpoint endpoint;
    private final String hostHeader;
    private final ConcurrentLinkedDeque<HttpConnection> idle = new ConcurrentLinkedDeque<>();
    private volatile boolean closed;

    /** {@code baseUrl} is {@code https://host:port[/prefix]}; the client presents what {@code tls} holds. */
    public BenchClient(String baseUrl, SSLContext tls) {
        this(baseUrl, tls, TIMEOUT);
    }

    BenchClient(String baseUrl, SSLContext tls, Duration timeout) {
        String trimmed = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        URI uri = URI.create(trimmed);
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            throw new IllegalArgumentException("the server URL must be https://host:port, not " + baseUrl);
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("the server URL names no host: " + baseUrl);
        }
        boolean secure = scheme.equals("https");
        int port = uri.getPort() >= 0 ? uri.getPort() : secure ? 443 : 80;
        String host = uri.getHost();
        String bareHost = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        this.hostHeader = host + ":" + port;
        this.apiBase = (uri.getRawPath() == null ? "" : uri.getRawPath()) + "/kms/v1";
        this.endpoint = new HttpConnection.Endpoint(bareHost, port,
                secure ? tls.getSocketFactory() : SocketFactory.getDefault(), secure, CONNECT_TIMEOUT, timeout);
    }

    public record Reply(int status, String body) {
        public boolean ok() {
            return status >= 200 && status < 300;
        }
    }

    /** A request encoded once (request line, headers, body) and sent as it is, as often as wanted. */
    public record Request(String method, String path, byte[] encoded) {
        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    /** A POST with a fixed JSON body, built once and sent many times. */
    public Request postRequest(String path, String json) {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        String target = apiBase + path;
        byte[] head = ("POST " + target + " HTTP/1.1\r\nHost: " + hostHeader
                + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        byte[] encoded = new byte[head.length + body.length];
        System.arraycopy(head, 0, encoded, 0, head.length);
        System.arraycopy(body, 0, encoded, head.length, body.length);
        return new Request("POST", target, encoded);
    }

    public Request getRequest(String pathAndQuery) {
        String target = apiBase + pathAndQuery;
        return new Request("GET", target, ("GET " + target + " HTTP/1.1\r\nHost: " + hostHeader + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * Sends on an idle pooled connection (or a new one) and reads the whole reply; the connection
     * goes back to the pool unless either side ended it.
     */
    public Reply send(Request request) throws IOException, InterruptedException {
        if (closed) {
            throw new IOException("the bench client is closed");
        }
        HttpConnection connection = idle.pollFirst();
        boolean reused = connection != null;
        if (connection == null) {
            connection = HttpConnection.open(endpoint);
        }
        HttpConnection.Response response;
        try {
            response = connection.exchange(request.encoded());
        } catch (HttpConnection.StaleConnectionException e) {
            connection.close();
            if (!reused) {
                throw e;
            }
            // the server closed the idle connection before reading this request: it was not handled
            connection = HttpConnection.open(endpoint);
            try {
                response = connection.exchange(request.encoded());
            } catch (IOException | RuntimeException retryFailed) {
                connection.close();
                throw retryFailed;
            }
        } catch (IOException | RuntimeException e) {
            connection.close();
            throw e;
        }
        if (response.keepAlive() && !closed) {
            idle.offerFirst(connection);
        } else {
            connection.close();
        }
        return new Reply(response.status(), response.body());
    }

    /** Connections now idle in the pool (for tests). */
    int idleConnections() {
        return idle.size();
    }

    /** Closes the idle connections; requests in flight close theirs when they finish. */
    @Override
    public void close() {
        closed = true;
        for (HttpConnection c; (c = idle.pollFirst()) != null; ) {
            c.close();
        }
    }

    /** A 429 or 503 the server marked retryable: load shed by admission control or a limit, not a failure of the service. */
    public static final class RefusedException extends IOException {
        private static final long serialVersionUID = 1L;

        RefusedException(String message) {
            super(message);
        }
    }

    /** Sends and fails loudly on anything but 2xx, quoting the server's ErrorResponse. */
    public String require2xx(Request request) throws IOException, InterruptedException {
        Reply reply = send(request);
        if ((reply.status() == 503 || reply.status() == 429) && reply.body().contains("\"retryable\":true")) {
            throw new RefusedException(request.method() + " " + request.path() + " refused with " + reply.status());
        }
        if (!reply.ok()) {
            throw new IOException(request.method() + " " + request.path() + " answered " + reply.status()
                    + ": " + abbreviate(reply.body()));
        }
        return reply.body();
    }

    private static String abbreviate(String body) {
        return body.length() <= 300 ? body : body.substring(0, 300) + "...";
    }
}
