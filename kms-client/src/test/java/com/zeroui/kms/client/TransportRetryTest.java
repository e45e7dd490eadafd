package com.zeroui.kms.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Retries against a scripted HTTP server: the real service answers 503 with Retry-After only under an
 * outage that cannot be staged on demand here (those answers are covered against the real server in
 * the server module's StorageOutageIT), so this is the one fault a fake stands in for.
 */
class TransportRetryTest {
    private record Answer(int status, String body, String retryAfter) {
    }

    private final Deque<Answer> script = new ArrayDeque<>();
    private final AtomicInteger requests = new AtomicInteger();
    private final List<Duration> waits = new ArrayList<>();
    private HttpServer server;

    private KmsClient client(RetryPolicy policy) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            Answer a = script.isEmpty() ? new Answer(500, "{}", null) : script.poll();
            if (a.retryAfter() != null) {
                exchange.getResponseHeaders().add("Retry-After", a.retryAfter());
            }
            byte[] body = a.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(a.status(), body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        return KmsClient.builder("http://127.0.0.1:" + server.getAddress().getPort()).scope("acme", "dev", "tenant")
                .retry(policy).sleeper(waits::add).build();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private static String error(String code, boolean retryable) {
        return "{\"code\":\"" + code + "\",\"message\":\"m\",\"details\":{\"receipt_id\":\"r-1\"},\"retryable\":" + retryable + "}";
    }

    @Test
    void retryableAnswersAreRepeatedWaitingAtLeastRetryAfter() throws IOException {
        script.add(new Answer(503, error("DEPENDENCY_UNAVAILABLE", true), "2"));
        script.add(new Answer(429, error("RATE_LIMITED", true), null));
        script.add(new Answer(200, "{\"valid\":true,\"key_id\":\"k\",\"algorithm\":\"EdDSA\",\"receipt_id\":\"r\"}", null));
        KmsClient kms = client(new RetryPolicy(4, Duration.ofMillis(100), Duration.ofSeconds(5)));

        assertThat(kms.crypto().verify("k", new byte[] {1}, new byte[] {2}, null).valid()).isTrue();

        assertThat(requests).hasValue(3);
        assertThat(waits).hasSize(2);
        assertThat(waits.get(0)).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
        assertThat(waits.get(1)).isLessThanOrEqualTo(Duration.ofMillis(200)); // second try: up to base * 2
    }

    @Test
    void nonRetryableErrorsFailAtOnceWithTheErrorResponse() throws IOException {
        script.add(new Answer(404, error("KEY_NOT_FOUND", false), null));
        KmsClient kms = client(RetryPolicy.DEFAULT);

        assertThatThrownBy(() -> kms.crypto().sign("k", new byte[] {1}, null))
                .isInstanceOfSatisfying(KmsApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(404);
                    assertThat(e.code()).isEqualTo("KEY_NOT_FOUND");
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.receiptId()).contains("r-1");
                });
        assertThat(requests).hasValue(1);
        assertThat(waits).isEmpty();
    }

    @Test
    void givesUpAfterMaxAttemptsWithTheLastAnswer() throws IOException {
        for (int i = 0; i < 3; i++) {
            script.add(new Answer(503, error("DEPENDENCY_UNAVAILABLE", true), null));
        }
        KmsClient kms = client(new RetryPolicy(3, Duration.ofMillis(10), Duration.ofMillis(50)));

        assertThatThrownBy(() -> kms.ops().config()).isInstanceOfSatisfying(KmsApiException.class,
                e -> assertThat(e.code()).isEqualTo("DEPENDENCY_UNAVAILABLE"));
        assertThat(requests).hasValue(3);
        assertThat(waits).hasSize(2).allSatisfy(w -> assertThat(w).isLessThanOrEqualTo(Duration.ofMillis(50)));
    }

    @Test
    void retryAfterIsCappedByMaxDelay() throws IOException {
        script.add(new Answer(503, error("DEPENDENCY_UNAVAILABLE", true), "3600"));
        script.add(new Answer(200, "{}", null));
        KmsClient kms = client(new RetryPolicy(2, Duration.ofMillis(10), Duration.ofSeconds(5)));

        kms.ops().config();

        assertThat(waits).containsExactly(Duration.ofSeconds(5));
    }

    @Test
    void anAnswerThatIsNotAnErrorResponseStillFailsTyped() throws IOException {
        script.add(new Answer(502, "<html>bad gateway</html>", null));
        script.add(new Answer(502, "<html>bad gateway</html>", null));
        KmsClient kms = client(new RetryPolicy(2, Duration.ZERO, Duration.ZERO));

        assertThatThrownBy(() -> kms.ops().config()).isInstanceOfSatisfying(KmsApiException.class, e -> {
            assertThat(e.code()).isEqualTo("HTTP_502");
            assertThat(e.retryable()).isTrue();
        });
        assertThat(requests).hasValue(2);
    }

    @Test
    void aRefusedConnectionIsRepeatedEvenForKeyGeneration() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        KmsClient kms = KmsClient.builder("http://127.0.0.1:" + closedPort).scope("acme", "dev", "tenant")
                .retry(new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(1))).sleeper(waits::add).build();

        assertThatThrownBy(() -> kms.keys().create(com.zeroui.kms.client.model.NewKey.of("Ed25519", "sign")))
                .isInstanceOf(KmsClientException.class).isNotInstanceOf(KmsApiException.class)
                .hasMessageContaining("POST http://127.0.0.1:" + closedPort + "/kms/v1/keys");
        assertThat(waits).hasSize(2);
    }

    @Test
    void aTimedOutKeyGenerationIsNotRepeated() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            try {
                Thread.sleep(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        });
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
        KmsClient kms = KmsClient.builder("http://127.0.0.1:" + server.getAddress().getPort()).scope("acme", "dev", "tenant")
                .requestTimeout(Duration.ofMillis(200)).retry(new RetryPolicy(3, Duration.ZERO, Duration.ZERO))
                .sleeper(waits::add).build();

        // the first try may have created the key: a second could create another
        assertThatThrownBy(() -> kms.keys().create(com.zeroui.kms.client.model.NewKey.of("Ed25519", "sign")))
                .isInstanceOf(KmsClientException.class).hasMessageContaining("HttpTimeoutException");
        assertThat(requests).hasValue(1);
    }

    @Test
    void retryAfterAcceptsAnHttpDate() {
        String inTenSeconds = java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME
                .format(java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC).plusSeconds(10));
        assertThat(Transport.parseRetryAfter(inTenSeconds)).hasValueSatisfying(
                d -> assertThat(d).isBetween(Duration.ofSeconds(8), Duration.ofSeconds(10)));
        assertThat(Transport.parseRetryAfter("soon")).isEmpty();
    }
}
