package com.zeroui.kms.api;

import static com.zeroui.kms.support.ErrorResponseAssert.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zeroui.kms.bench.ClientTls;
import com.zeroui.kms.ops.AdmissionConfig;
import com.zeroui.kms.ops.LimitsConfig;
import com.zeroui.kms.support.KmsClient;
import com.zeroui.kms.support.PrometheusText;
import com.zeroui.kms.support.TestNode;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.DoublePredicate;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/**
 * Admission control on a real node over mTLS. A slot is held deterministically by a request whose
 * body never arrives (the handler blocks reading it), so the assertions are about behaviour: who
 * is queued, who is refused, who gets through once the slot frees; never about timings.
 */
class AdmissionControlIT {
    static final String T = "t-admission";

    @Test
    void beyondTheSlotsAndTheQueueRequestsAreRefusedFastWithRetryAfterAndTheNodeRecovers() throws Exception {
        AdmissionConfig oneSlotOneWaiter = new AdmissionConfig(1, 1, Duration.ofSeconds(60));
        try (TestNode node = TestNode.start(cfg -> cfg.limits(LimitsConfig.defaults().withAdmission(oneSlotOneWaiter)))) {
            KmsClient client = node.client("M21", T);
            String key = signingKey(client);
            assertThat(sign(client, key).status()).isEqualTo(200);

            try (SSLSocket stalled = holdASlot(node, key)) {
                awaitGauge(node, "kms_admission_active", v -> v == 1);
                CompletableFuture<KmsClient.Response> queued = CompletableFuture.supplyAsync(() -> sign(client, key));
                awaitGauge(node, "kms_admission_queued", v -> v == 1);

                KmsClient.Response refused = sign(client, key);
                JsonNode error = assertError(refused, 503, "DEPENDENCY_UNAVAILABLE");
                assertThat(error.get("retryable").asBoolean()).isTrue();
                assertThat(error.at("/details/reason").asText()).isEqualTo("overloaded");
                assertThat(refused.headers().get("retry-after")).containsExactly("1");
                // an overloaded node stays observable: health and metrics skip the gate
                assertThat(node.anonymous().get("/health").status()).isIn(200, 503);
                assertThat(node.anonymous().get("/health").body()).doesNotContain("overloaded");
                assertThat(node.anonymous().get("/metrics").status()).isEqualTo(200);
                assertThat(queued).isNotDone();

                stalled.close(); // the slot frees: the waiter gets it
                assertThat(queued.get(60, TimeUnit.SECONDS).status()).isEqualTo(200);
            }

            awaitGauge(node, "kms_admission_active", v -> v == 0);
            for (int i = 0; i < 5; i++) {
                assertThat(sign(client, key).status()).as("back to normal").isEqualTo(200);
            }
            assertThat(metric(node, "kms_admission_rejected_total")).isGreaterThanOrEqualTo(1);
        }
    }

    @Test
    void underOverloadEveryAnswerIsSuccessOrARetryable503AndNothingTimesOut() throws Exception {
        AdmissionConfig tight = new AdmissionConfig(2, 2, Duration.ofMillis(5));
        try (TestNode node = TestNode.start(cfg -> cfg.limits(LimitsConfig.defaults().withAdmission(tight)))) {
            KmsClient client = node.client("M21", T);
            String key = signingKey(client);
            ConcurrentLinkedQueue<KmsClient.Response> answers = new ConcurrentLinkedQueue<>();
            List<Thread> clients = new ArrayList<>();
            for (int c = 0; c < 24; c++) {
                Thread t = new Thread(() -> {
                    for (int i = 0; i < 15; i++) {
                        answers.add(sign(client, key));
                    }
                });
                clients.add(t);
                t.start();
            }
            for (Thread t : clients) {
                t.join(TimeUnit.MINUTES.toMillis(5));
                assertThat(t.isAlive()).as("a client is stuck").isFalse();
            }
            assertThat(answers).hasSize(24 * 15);
            for (KmsClient.Response answer : answers) {
                assertThat(answer.status()).as(answer.body()).isIn(200, 503);
                if (answer.status() == 503) {
                    JsonNode error = assertError(answer, 503, "DEPENDENCY_UNAVAILABLE");
                    assertThat(error.get("retryable").asBoolean()).isTrue();
                    assertThat(answer.headers().get("retry-after")).containsExactly("1");
                }
            }
            long refused = answers.stream().filter(a -> a.status() == 503).count();
            assertThat((long) metric(node, "kms_admission_rejected_total")).isEqualTo(refused);
            awaitGauge(node, "kms_admission_active", v -> v == 0);
            assertThat(metric(node, "kms_admission_queued")).isZero();
            assertThat(sign(client, key).status()).as("recovered once the load is gone").isEqualTo(200);
        }
    }

    /**
     * Waiters are parked without a thread: with both slots held, a dozen queued requests leave the
     * pool's busy threads where they were. Each queued request announces a body it has not sent
     * yet, so whoever is admitted blocks on it: finishing waiter i's body and getting its answer
     * proves waiter i (and no later one) got the slot, in arrival order, one slot hand-over at a time.
     */
    @Test
    void queuedRequestsHoldNoThreadAndAreAdmittedFirstInFirstOut() throws Exception {
        AdmissionConfig twoSlots = new AdmissionConfig(2, 20, Duration.ofSeconds(60));
        try (TestNode node = TestNode.start(cfg -> cfg.limits(LimitsConfig.defaults().withAdmission(twoSlots)))) {
            KmsClient client = node.client("M21", T);
            String key = signingKey(client);
            assertThat(sign(client, key).status()).isEqualTo(200);
            List<PartialSign> waiters = new ArrayList<>();
            try (PartialSign first = PartialSign.open(node, key); PartialSign second = PartialSign.open(node, key)) {
                awaitGauge(node, "kms_admission_active", v -> v == 2);
                double busyBefore = metric(node, "kms_http_threads_busy");
                int queued = 12;
                for (int i = 0; i < queued; i++) {
                    waiters.add(PartialSign.open(node, key));
                    int expected = i + 1;
                    awaitGauge(node, "kms_admission_queued", v -> v == expected);
                }
                double busyQueued = metric(node, "kms_http_threads_busy");
                assertThat(busyQueued).as("busy threads with %d requests queued (before: %s)", queued, busyBefore)
                        .isLessThanOrEqualTo(busyBefore + 2);
                assertThat(metric(node, "kms_http_threads")).isLessThanOrEqualTo(metric(node, "kms_http_threads_max"));

                first.abandon(); // its slot passes to the oldest waiter, and from each finished waiter to the next
                for (int i = 0; i < queued; i++) {
                    int stillQueued = queued - i - 1;
                    awaitGauge(node, "kms_admission_queued", v -> v == stillQueued);
                    // handled, not refused: the raw connection is the admin's, outside the key's allowed modules (403)
                    assertThat(waiters.get(i).finish()).as("waiter %d answered in its turn", i).isIn(200, 403);
                }
            } finally {
                for (PartialSign waiter : waiters) {
                    waiter.close();
                }
            }
            awaitGauge(node, "kms_admission_active", v -> v == 0);
            assertThat(metric(node, "kms_admission_rejected_total")).isZero();
            assertThat(sign(client, key).status()).as("back to normal").isEqualTo(200);
        }
    }

    @Test
    void aWaiterWhoseWaitRunsOutGetsAFast503WithRetryAfterAndTheNodeRecovers() throws Exception {
        AdmissionConfig shortWait = new AdmissionConfig(2, 10, Duration.ofMillis(200));
        try (TestNode node = TestNode.start(cfg -> cfg.limits(LimitsConfig.defaults().withAdmission(shortWait)))) {
            KmsClient client = node.client("M21", T);
            String key = signingKey(client);
            try (PartialSign first = PartialSign.open(node, key); PartialSign second = PartialSign.open(node, key)) {
                awaitGauge(node, "kms_admission_active", v -> v == 2);
                long start = System.nanoTime();
                List<CompletableFuture<KmsClient.Response>> waiting = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    waiting.add(CompletableFuture.supplyAsync(() -> sign(client, key)));
                }
                for (CompletableFuture<KmsClient.Response> w : waiting) {
                    KmsClient.Response refused = w.get(60, TimeUnit.SECONDS);
                    JsonNode error = assertError(refused, 503, "DEPENDENCY_UNAVAILABLE");
                    assertThat(error.get("retryable").asBoolean()).isTrue();
                    assertThat(refused.headers().get("retry-after")).containsExactly("1");
                }
                // bounded by the 200 ms wait plus scheduling on a busy machine, far from any client timeout
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
                assertThat(metric(node, "kms_admission_queued")).isZero();
                assertThat(metric(node, "kms_admission_rejected_total")).isGreaterThanOrEqualTo(5);
                assertThat(metric(node, "kms_admission_active")).as("expired waiters took no slot").isEqualTo(2);
            }
            awaitGauge(node, "kms_admission_active", v -> v == 0);
            for (int i = 0; i < 3; i++) {
                assertThat(sign(client, key).status()).as("back to normal").isEqualTo(200);
            }
        }
    }

    /**
     * The defaults fit the machine (ADR 0040): eight slots per available processor (at least 16),
     * not a fixed 64.
     * With every default slot held by a stalled request, the next one is refused (queued at most the
     * default 5 ms wait, which no slot outlasts here) and the thread pool is the slots + 32.
     */
    @Test
    void theDefaultsAdmitEightRequestsPerProcessorAndRefuseTheNextWithRetryAfter() throws Exception {
        int slots = AdmissionConfig.slotsFor(Runtime.getRuntime().availableProcessors());
        try (TestNode node = TestNode.start()) {
            KmsClient client = node.client("M21", T);
            String key = signingKey(client);
            List<SSLSocket> stalled = new ArrayList<>();
            try {
                for (int i = 0; i < slots; i++) {
                    stalled.add(holdASlot(node, key));
                }
                awaitGauge(node, "kms_admission_active", v -> v == slots);
                KmsClient.Response refused = sign(client, key);
                JsonNode error = assertError(refused, 503, "DEPENDENCY_UNAVAILABLE");
                assertThat(error.at("/details/max_concurrent_requests").asInt()).isEqualTo(slots);
                assertThat(refused.headers().get("retry-after")).containsExactly("1");
                assertThat(metric(node, "kms_admission_active")).as("no slot beyond the default").isEqualTo(slots);
                assertThat(metric(node, "kms_http_threads_max")).isEqualTo(slots + HttpServer.THREADS_BEYOND_SLOTS);
            } finally {
                for (SSLSocket socket : stalled) {
                    socket.close();
                }
            }
            awaitGauge(node, "kms_admission_active", v -> v == 0);
            assertThat(sign(client, key).status()).as("back to normal").isEqualTo(200);
        }
    }

    @Test
    void offMeansNoGateAndNoAdmissionMetrics() {
        try (TestNode node = TestNode.start(cfg -> cfg.limits(LimitsConfig.defaults().withAdmission(AdmissionConfig.off())))) {
            KmsClient client = node.client("M21", T);
            assertThat(sign(client, signingKey(client)).status()).isEqualTo(200);
            assertThat(node.anonymous().get("/metrics").body()).doesNotContain("kms_admission_");
        }
    }

    /** An authenticated sign whose announced body never comes: its handler holds the slot reading it. */
    private static SSLSocket holdASlot(TestNode node, String key) throws Exception {
        Path tls = node.dataDir().resolve("tls");
        SSLSocket socket = (SSLSocket) ClientTls.fromPemFiles(tls.resolve("admin.pem"), tls.resolve("admin.key"),
                tls.resolve("ca.pem")).getSocketFactory().createSocket("127.0.0.1", node.node().port());
        String partial = "{\"tenant_id\":\"" + T + "\",\"key_id\":\"" + key + "\"";
        OutputStream out = socket.getOutputStream();
        out.write(("POST /kms/v1/sign HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 4096\r\n\r\n"
                + partial).getBytes(StandardCharsets.UTF_8));
        out.flush();
        return socket;
    }

    /**
     * A sign request over its own connection whose body is held back until {@link #finish()}: once
     * admitted, its handler holds the slot reading the body, so admission is observable and ordered.
     */
    private static final class PartialSign implements AutoCloseable {
        private final SSLSocket socket;
        private final byte[] rest;

        private PartialSign(SSLSocket socket, byte[] rest) {
            this.socket = socket;
            this.rest = rest;
        }

        static PartialSign open(TestNode node, String key) throws Exception {
            Path tls = node.dataDir().resolve("tls");
            SSLSocket socket = (SSLSocket) ClientTls.fromPemFiles(tls.resolve("admin.pem"), tls.resolve("admin.key"),
                    tls.resolve("ca.pem")).getSocketFactory().createSocket("127.0.0.1", node.node().port());
            socket.setSoTimeout((int) TimeUnit.SECONDS.toMillis(30));
            byte[] body = ("{\"tenant_id\":\"" + T + "\",\"environment\":\"dev\",\"plane\":\"tenant\",\"key_id\":\""
                    + key + "\",\"data\":\"AQID\"}").getBytes(StandardCharsets.UTF_8);
            int split = body.length / 2;
            OutputStream out = socket.getOutputStream();
            out.write(("POST /kms/v1/sign HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body, 0, split);
            out.flush();
            return new PartialSign(socket, java.util.Arrays.copyOfRange(body, split, body.length));
        }

        /** Sends the rest of the body and returns the answer's status (a read timeout fails the test). */
        int finish() throws Exception {
            socket.getOutputStream().write(rest);
            socket.getOutputStream().flush();
            String statusLine = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                    StandardCharsets.US_ASCII)).readLine();
            assertThat(statusLine).startsWith("HTTP/1.1 ");
            return Integer.parseInt(statusLine.substring(9, 12));
        }

        /** Drops the connection mid-body: the handler's read fails and its slot is released. */
        void abandon() throws Exception {
            socket.close();
        }

        @Override
        public void close() throws Exception {
            socket.close();
        }
    }

    private static String signingKey(KmsClient client) {
        ObjectNode body = KmsClient.scope(T, "dev", "tenant").put("key_type", "Ed25519");
        body.putArray("key_usage").add("sign").add("verify");
        body.putObject("access_policy").putArray("allowed_modules").add("M21");
        KmsClient.Response created = client.post("/keys", body);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.text("key_id");
    }

    private static KmsClient.Response sign(KmsClient client, String key) {
        return client.sign(T, key, new byte[] {1, 2, 3}, null);
    }

    private static double metric(TestNode node, String series) {
        return PrometheusText.value(node.anonymous().get("/metrics").body(), series);
    }

    /** Polls a gauge (exempt from admission, so it answers while the node is saturated) until it matches. */
    private static void awaitGauge(TestNode node, String series, DoublePredicate condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        double last = Double.NaN;
        while (System.nanoTime() < deadline) {
            last = metric(node, series);
            if (condition.test(last)) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError(series + " never reached the expected value; last " + last);
    }

}
