package com.zeroui.kms.events;

import static com.zeroui.kms.events.NatsDeliveryIT.health;
import static com.zeroui.kms.events.NatsDeliveryIT.waitFor;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import com.zeroui.kms.support.KmsClient;
import com.zeroui.kms.support.TestNode;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Events reach a webhook at least once and in order per key through a receiver that is down, then
 * fails every third request, with a node restart in between.
 */
class EventWebhookIT {
    private HttpServer receiver;
    /** First arrival of each event, in arrival order. */
    private final Set<String> arrived = java.util.Collections.synchronizedSet(new LinkedHashSet<>());
    private final Map<String, String> keyOf = new java.util.concurrent.ConcurrentHashMap<>();
    private final AtomicInteger posts = new AtomicInteger();
    private final AtomicBoolean down = new AtomicBoolean(true);
    private Path dataDir;

    @BeforeEach
    void startReceiver() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hooks/kms", exchange -> {
            int n = posts.incrementAndGet();
            byte[] body = exchange.getRequestBody().readAllBytes();
            if (down.get() || n % 3 == 0) {
                exchange.sendResponseHeaders(503, -1);
                exchange.close();
                return;
            }
            for (JsonNode event : KmsClient.JSON.readTree(body).get("events")) {
                String id = event.get("event_id").asText();
                keyOf.put(id, NatsDeliveryIT.orderingKey(event));
                arrived.add(id);
            }
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        dataDir = Files.createTempDirectory("kms-event-hook-");
    }

    @AfterEach
    void stopReceiver() {
        receiver.stop(0);
        TestNode.deleteTree(dataDir);
    }

    @Test
    void everyEventArrivesInOrderPerKeyThroughFailuresAndARestart() throws Exception {
        URI url = URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/hooks/kms");
        String sink = "event_sink:" + WebhookEventSink.nameFor(url);
        try (TestNode first = TestNode.startIn(dataDir, cfg -> cfg.events(cfg.events().withWebhooks(List.of(url))), false)) {
            operate(first, 10);
            waitFor(() -> posts.get() >= 2, "the relay to try the receiver");
            waitFor(() -> "warn".equals(health(first, sink)), "health to report the failing sink");
            assertThat(arrived).isEmpty();
        }
        down.set(false); // back, but failing every third request
        try (TestNode second = TestNode.startIn(dataDir, cfg -> cfg.events(cfg.events().withWebhooks(List.of(url))), false)) {
            operate(second, 10);
            List<JsonNode> outbox = EventFeedIT.eventsAfter(second.admin(), "0");
            assertThat(outbox).hasSizeGreaterThan(20);
            List<String> ids = outbox.stream().map(e -> e.get("event_id").asText()).toList();
            waitFor(() -> arrived.containsAll(ids), "every event to reach the receiver");
            waitFor(() -> "pass".equals(health(second, sink)), "health to recover");

            Map<String, List<String>> expected = new LinkedHashMap<>();
            outbox.forEach(e -> expected.computeIfAbsent(NatsDeliveryIT.orderingKey(e), k -> new ArrayList<>())
                    .add(e.get("event_id").asText()));
            Map<String, List<String>> actual = new LinkedHashMap<>();
            synchronized (arrived) {
                // events written after the outbox was read (a tree head signed meanwhile) are not compared
                arrived.stream().filter(ids::contains)
                        .forEach(id -> actual.computeIfAbsent(keyOf.get(id), k -> new ArrayList<>()).add(id));
            }
            assertThat(actual).as("first arrivals in order per key").isEqualTo(expected);
        }
        assertThat(posts.get()).as("failed posts were retried").isGreaterThan(3);
    }

    private static void operate(TestNode node, int signs) {
        KmsClient c = node.client("M21", "acme");
        String key = c.createKey("acme", "RSA-2048", "sign", "verify").text("key_id");
        for (int i = 0; i < signs; i++) {
            assertThat(c.sign("acme", key, new byte[] {(byte) i}, null).status()).isEqualTo(200);
        }
    }
}
