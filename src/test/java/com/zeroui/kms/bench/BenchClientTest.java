package com.zeroui.kms.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The bench's HTTP/1.1 transport against a scripted server on a plain socket: framing by
 * Content-Length, chunked coding and end of stream; keep-alive reuse; {@code Connection: close};
 * an idle connection the server closed; interim replies; the exchange timeout; and how
 * {@link BenchClient#require2xx} reports refusals and errors. (BenchClientIT runs it over mTLS
 * against a real node.)
 */
class BenchClientTest {
    private ScriptedServer server;
    private BenchClient client;

    @AfterEach
    void stop() throws IOException {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private void start(Function<Integer, Reply> script) throws IOException {
        server = new ScriptedServer(script);
        client = new BenchClient("http://127.0.0.1:" + server.port(), null, Duration.ofSeconds(30));
    }

    @Test
    void sendsThePreEncodedRequestAndReusesOneKeepAliveConnection() throws Exception {
        start(n -> Reply.keepAlive(http("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\ncontent-length: ", "{\"n\":\"é\"}" + n)));
        BenchClient.Request post = client.postRequest("/sign", "{\"key_id\":\"k-é\"}");
        BenchClient.Reply first = client.send(post);
        BenchClient.Reply second = client.send(post);
        BenchClient.Reply third = client.send(client.getRequest("/keys/k1?tenant_id=bench"));

        assertThat(first.status()).isEqualTo(200);
        assertThat(first.body()).isEqualTo("{\"n\":\"é\"}0");
        assertThat(second.body()).isEqualTo("{\"n\":\"é\"}1");
        assertThat(third.body()).isEqualTo("{\"n\":\"é\"}2");
        assertThat(server.connections()).as("one keep-alive connection for sequential requests").isEqualTo(1);
        assertThat(client.idleConnections()).isEqualTo(1);
        String firstRequest = server.requests().get(0);
        assertThat(firstRequest).startsWith("POST /kms/v1/sign HTTP/1.1\r\n")
                .contains("\r\nHost: 127.0.0.1:" + server.port() + "\r\n")
                .contains("\r\nContent-Type: application/json\r\n")
                .contains("\r\nContent-Length: " + "{\"key_id\":\"k-é\"}".getBytes(StandardCharsets.UTF_8).length + "\r\n")
                .endsWith("\r\n\r\n{\"key_id\":\"k-é\"}");
        assertThat(server.requests().get(2)).startsWith("GET /kms/v1/keys/k1?tenant_id=bench HTTP/1.1\r\n")
                .doesNotContain("Content-Length");
    }

    @Test
    void decodesAChunkedBodyWithExtensionsAndTrailersAndKeepsTheConnection() throws Exception {
        start(n -> Reply.keepAlive("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5;name=value\r\nhello\r\n"
                + "1A\r\n" + "-abcdefghijklmnopqrstuvwxy" + "\r\n"
                + "0\r\nX-Trailer: t\r\n\r\n"));
        assertThat(client.send(client.getRequest("/metrics")).body()).isEqualTo("hello-abcdefghijklmnopqrstuvwxy");
        assertThat(client.send(client.getRequest("/metrics")).body()).isEqualTo("hello-abcdefghijklmnopqrstuvwxy");
        assertThat(server.connections()).isEqualTo(1);
    }

    @Test
    void aChunkedBodyLargerThanTheReadBufferArrivesWhole() throws Exception {
        String big = "x".repeat(100_000);
        start(n -> Reply.keepAlive("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + Integer.toHexString(big.length()) + "\r\n" + big + "\r\n0\r\n\r\n"));
        assertThat(client.send(client.getRequest("/metrics")).body()).isEqualTo(big);
    }

    @Test
    void connectionCloseIsHonouredAndTheNextRequestOpensANewConnection() throws Exception {
        start(n -> Reply.thenClose("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok"));
        assertThat(client.send(client.getRequest("/health")).body()).isEqualTo("ok");
        assertThat(client.idleConnections()).isZero();
        assertThat(client.send(client.getRequest("/health")).body()).isEqualTo("ok");
        assertThat(server.connections()).isEqualTo(2);
    }

    @Test
    void anIdleConnectionTheServerClosedIsReplacedAndTheRequestSentOnce() throws Exception {
        // keep-alive by the headers, but the server closes each connection after one reply (an idle timeout)
        start(n -> Reply.thenClose("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n" + n));
        assertThat(client.send(client.getRequest("/health")).body()).isEqualTo("0");
        server.awaitClosed(1);
        assertThat(client.send(client.getRequest("/health")).body()).isEqualTo("1");
        assertThat(server.connections()).isEqualTo(2);
        assertThat(server.requests()).hasSize(2);
    }

    @Test
    void aBodyWithoutLengthIsReadToTheEndOfTheConnection() throws Exception {
        start(n -> Reply.thenClose("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end"));
        assertThat(client.send(client.getRequest("/health")).body()).isEqualTo("until the end");
        assertThat(client.idleConnections()).isZero();
    }

    @Test
    void interimRepliesAreSkippedAndNoBodyRepliesHaveNone() throws Exception {
        start(n -> Reply.keepAlive(n == 0
                ? "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 4\r\n\r\nmade"
                : "HTTP/1.1 204 No Content\r\n\r\n"));
        BenchClient.Reply created = client.send(client.postRequest("/keys", "{}"));
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.body()).isEqualTo("made");
        BenchClient.Reply empty = client.send(client.getRequest("/health"));
        assertThat(empty.status()).isEqualTo(204);
        assertThat(empty.body()).isEmpty();
        assertThat(server.connections()).isEqualTo(1);
    }

    @Test
    void aReplyThatNeverCompletesFailsAfterTheTimeoutAndTheConnectionIsDropped() throws Exception {
        server = new ScriptedServer(n -> Reply.keepAlive("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhalf"));
        client = new BenchClient("http://127.0.0.1:" + server.port(), null, Duration.ofMillis(300));
        assertThatThrownBy(() -> client.send(client.getRequest("/health")))
                .isInstanceOf(SocketTimeoutException.class).hasMessageContaining("no complete reply");
        assertThat(client.idleConnections()).isZero();
    }

    @Test
    void retryableRefusalsAndErrorsAreToldApartAndTheErrorBodyIsQuoted() throws Exception {
        String[] replies = {
            http("HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nContent-Length: ",
                    "{\"error\":\"DEPENDENCY_UNAVAILABLE\",\"retryable\":true}"),
            http("HTTP/1.1 429 Too Many Requests\r\nContent-Length: ", "{\"error\":\"RATE_LIMITED\",\"retryable\":true}"),
            http("HTTP/1.1 503 Service Unavailable\r\nContent-Length: ", "{\"error\":\"x\",\"retryable\":false}"),
            http("HTTP/1.1 403 Forbidden\r\nContent-Length: ", "{\"error\":\"ACCESS_DENIED\"}"),
        };
        start(n -> Reply.keepAlive(replies[n]));
        BenchClient.Request sign = client.postRequest("/sign", "{}");
        assertThatThrownBy(() -> client.require2xx(sign)).isInstanceOf(BenchClient.RefusedException.class)
                .hasMessage("POST /kms/v1/sign refused with 503");
        assertThatThrownBy(() -> client.require2xx(sign)).isInstanceOf(BenchClient.RefusedException.class)
                .hasMessage("POST /kms/v1/sign refused with 429");
        assertThatThrownBy(() -> client.require2xx(sign)).isNotInstanceOf(BenchClient.RefusedException.class)
                .isInstanceOf(IOException.class).hasMessageContaining("answered 503");
        assertThatThrownBy(() -> client.require2xx(sign)).isNotInstanceOf(BenchClient.RefusedException.class)
                .hasMessage("POST /kms/v1/sign answered 403: {\"error\":\"ACCESS_DENIED\"}");
    }

    @Test
    void aMalformedStatusLineIsAnErrorNotAReply() throws Exception {
        start(n -> Reply.thenClose("SSH-2.0-OpenSSH\r\n\r\n"));
        assertThatThrownBy(() -> client.send(client.getRequest("/health"))).isInstanceOf(IOException.class)
                .hasMessageContaining("not an HTTP/1.x status line");
    }

    /** {@code head} ends with a Content-Length header's name; the body's UTF-8 length and the body follow. */
    private static String http(String head, String body) {
        return head + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
    }

    // ---- a server that answers each request with the script's reply for its index ------------------

    private record Reply(byte[] bytes, boolean close) {
        static Reply keepAlive(String text) {
            return new Reply(text.getBytes(StandardCharsets.UTF_8), false);
        }

        static Reply thenClose(String text) {
            return new Reply(text.getBytes(StandardCharsets.UTF_8), true);
        }
    }

    private static final class ScriptedServer implements AutoCloseable {
        private final ServerSocket socket = new ServerSocket(0);
        private final Function<Integer, Reply> script;
        private final AtomicInteger accepted = new AtomicInteger();
        private final AtomicInteger closed = new AtomicInteger();
        private final AtomicInteger handled = new AtomicInteger();
        private final List<String> requests = new CopyOnWriteArrayList<>();
        private final List<Socket> open = new CopyOnWriteArrayList<>();

        ScriptedServer(Function<Integer, Reply> script) throws IOException {
            this.script = script;
            Thread acceptor = new Thread(this::accept, "scripted-server");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        int connections() {
            return accepted.get();
        }

        List<String> requests() {
            return requests;
        }

        void awaitClosed(int count) throws InterruptedException {
            while (closed.get() < count) {
                Thread.sleep(5);
            }
        }

        private void accept() {
            while (!socket.isClosed()) {
                try {
                    Socket s = socket.accept();
                    accepted.incrementAndGet();
                    open.add(s);
                    Thread t = new Thread(() -> serve(s), "scripted-connection");
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    return;
                }
            }
        }

        private void serve(Socket s) {
            try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                while (true) {
                    String request = readRequest(in);
                    if (request == null) {
                        return;
                    }
                    requests.add(request);
                    Reply reply = script.apply(handled.getAndIncrement());
                    out.write(reply.bytes());
                    out.flush();
                    if (reply.close()) {
                        return;
                    }
                }
            } catch (IOException e) {
                // the client went away
            } finally {
                closed.incrementAndGet();
            }
        }

        /** Head up to the blank line, then Content-Length bytes; null at the end of the stream. */
        private static String readRequest(InputStream in) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            while (true) {
                int b = in.read();
                if (b < 0) {
                    return null;
                }
                head.write(b);
                byte[] h = head.toByteArray();
                int n = h.length;
                if (n >= 4 && h[n - 4] == '\r' && h[n - 3] == '\n' && h[n - 2] == '\r' && h[n - 1] == '\n') {
                    break;
                }
            }
            String headText = head.toString(StandardCharsets.ISO_8859_1);
            int length = 0;
            for (String line : headText.split("\r\n")) {
                if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                    length = Integer.parseInt(line.substring(line.indexOf(':') + 1).trim());
                }
            }
            byte[] body = in.readNBytes(length);
            return new String(head.toByteArray(), StandardCharsets.UTF_8) + new String(body, StandardCharsets.UTF_8);
        }

        @Override
        public void close() throws IOException {
            socket.close();
            for (Socket s : open) {
                s.close();
            }
        }
    }
}
