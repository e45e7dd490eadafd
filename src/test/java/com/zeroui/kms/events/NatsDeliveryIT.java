package com.zeroui.kms.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.zeroui.kms.support.PrometheusText;
import com.zeroui.kms.support.KmsClient;
import com.zeroui.kms.support.NatsServer;
import com.zeroui.kms.support.TestNode;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.api.MessageInfo;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every event reaches NATS JetStream at least once and in order per key, although NATS goes away
 * in the middle of the work and the KMS node restarts while it is away: the outbox keeps the
 * events, the relay retries, and JetStream's Nats-Msg-Id de-duplication drops re-sends.
 */
class NatsDeliveryIT {
    private static final String STREAM = "KMS_EVENTS_IT";
    private NatsServer nats;
    private Path dataDir;

    @BeforeEach
    void start() throws Exception {
        nats = NatsServer.start();
        dataDir = Files.createTempDirectory("kms-nats-it-");
    }

    @AfterEach
    void stop() {
        nats.close();
        TestNode.deleteTree(dataDir);
    }

    @Test
    void everyEventArrivesInOrderPerKeyAcrossAnOutageAndARestart() throws Exception {
        URI url = nats.url();
        List<String> keys = new ArrayList<>();
        try (TestNode first = TestNode.startIn(dataDir, cfg -> cfg.events(cfg.events().withNats(url)
                .withStream(STREAM)), false)) {
            operate(first, keys, 5);
            waitFor(() -> sinkDepth(first) == 0, "the first events to reach NATS");
            assertThat(health(first, "event_sink:nats")).isEqualTo("pass");

            nats.stop(); // NATS goes away: operations go on, events wait in the outbox
            operate(first, keys, 5);
            waitFor(() -> "warn".equals(health(first, "event_sink:nats")), "health to report the failing sink");
            assertThat(first.anonymous().get("/health").json().get("status").asText()).isEqualTo("degraded");
            assertThat(sinkDepth(first)).isPositive();
        }
        try (TestNode second = TestNode.startIn(dataDir, cfg -> cfg.events(cfg.events().withNats(url)
                .withStream(STREAM)), false)) {
            operate(second, keys, 5); // still no NATS, and a new process: nothing in memory survives
            nats.startAgain();
            waitFor(() -> sinkDepth(second) == 0, "the backlog to drain into NATS");
            waitFor(() -> "pass".equals(health(second, "event_sink:nats")), "health to recover");

            List<JsonNode> outbox = EventFeedIT.eventsAfter(second.admin(), "0");
            List<JsonNode> published = streamContents(url);
            assertThat(outbox).hasSizeGreaterThan(30);
            assertThat(ids(published)).as("every event, once (duplicates dropped by Nats-Msg-Id)")
                    .containsExactlyInAnyOrderElementsOf(ids(outbox));
            assertThat(perKey(published)).as("in order per key").isEqualTo(perKey(outbox));
            assertThat(published).allSatisfy(e -> assertThat(e.get("source_module").asText()).isEqualTo("M33"));
        }
    }

    private static void operate(TestNode node, List<String> keys, int signs) {
        KmsClient c = node.client("M21", "acme");
        String key = c.createKey("acme", "Ed25519", "sign", "verify").text("key_id");
        keys.add(key);
        for (int i = 0; i < signs; i++) {
            for (String k : keys) {
                KmsClient.Response signed = c.sign("acme", k, new byte[] {(byte) i}, null);
                assertThat(signed.status()).isEqualTo(200);
                assertThat(c.verify("acme", k, new byte[] {(byte) i}, signed.text("signature"), null).status())
                        .isEqualTo(200);
            }
        }
    }

    private static List<JsonNode> streamContents(URI url) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        try (Connection nc = Nats.connect(url.toString())) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            long count = jsm.getStreamInfo(STREAM).getStreamState().getMsgCount();
            long firstSeq = jsm.getStreamInfo(STREAM).getStreamState().getFirstSequence();
            for (long seq = firstSeq; seq < firstSeq + count; seq++) {
                MessageInfo m = jsm.getMessage(STREAM, seq);
                assertThat(m.getSubject()).startsWith("kms.events.");
                JsonNode event = KmsClient.JSON.readTree(new String(m.getData(), StandardCharsets.UTF_8));
                assertThat(m.getSubject()).isEqualTo("kms.events." + event.get("event_type").asText());
                assertThat(m.getHeaders().getFirst("Nats-Msg-Id")).isEqualTo(event.get("event_id").asText());
                out.add(event);
            }
        }
        return out;
    }

    private static List<String> ids(List<JsonNode> events) {
        return events.stream().map(e -> e.get("event_id").asText()).toList();
    }

    private static Map<String, List<String>> perKey(List<JsonNode> events) {
        Map<String, List<String>> m = new LinkedHashMap<>();
        for (JsonNode e : events) {
            m.computeIfAbsent(orderingKey(e), k -> new ArrayList<>()).add(e.get("event_id").asText());
        }
        return m;
    }

    /** What delivery keeps in order: the key, or the trust anchor (the seeded internal root's event has one). */
    static String orderingKey(JsonNode event) {
        JsonNode payload = event.get("payload");
        return payload.has("key_id") ? payload.get("key_id").asText() : payload.get("trust_anchor_id").asText();
    }

    static String health(TestNode node, String check) {
        for (JsonNode c : node.anonymous().get("/health").json().get("checks")) {
            if (c.get("name").asText().equals(check)) {
                return c.get("status").asText();
            }
        }
        throw new AssertionError("no health check " + check);
    }

    private static double sinkDepth(TestNode node) {
        return PrometheusText.value(node.anonymous().get("/metrics").body(), "kms_event_sink_depth{sink=\"nats\"}");
    }

    static void waitFor(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(100);
        }
    }
}
