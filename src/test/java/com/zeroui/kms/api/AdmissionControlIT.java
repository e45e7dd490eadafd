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
