package com.zeroui.kms.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import com.zeroui.kms.support.KmsClient;
import com.zeroui.kms.support.TestNode;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Receipts reach the evidence ledger's webhook at least once: through a receiver that is down, then
 * fails every third request, and a node restart in between, every receipt in the log arrives.
 */
class ReceiptForwardingIT {
    private HttpServer receiver;
    private final Set<String> received = ConcurrentHashMap.newKeySet();
    private final AtomicInteger posts = new AtomicInteger();
    private final AtomicInteger duplicates = new AtomicInteger();
    private final AtomicBoolean down = new AtomicBoolean(true);
    private Path dataDir;

    @BeforeEach
    void startReceiver() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/ledger/receipts", exchange -> {
            int n = posts.incrementAndGet();
            byte[] body = exchange.getRequestBody().readAllBytes();
            if (down.get() || n % 3 == 0) {
                exchange.sendResponseHeaders(503, -1);
                exchange.close();
                return;
            }
            for (JsonNode receipt : KmsClient.JSON.readTree(body).get("receipts")) {
                if (!received.add(receipt.get("receipt_id").asText())) {
                    duplicates.incrementAndGet();
                }
            }
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        dataDir = Files.createTempDirectory("kms-forward-");
    }

    @AfterEach
    void stopReceiver() {
        receiver.stop(0);
        TestNode.deleteTree(dataDir);
    }

    @Test
    void everyReceiptArrivesThroughOutagesAndARestart() throws Exception {
        URI url = URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/ledger/receipts");
        try (TestNode first = TestNode.startIn(dataDir, cfg -> cfg.receiptWebhookUrl(url), false)) {
            operate(first, 15);
            // the ledger is down: receipts wait in the log and health says the sink is failing
            waitFor(() -> posts.get() >= 2, "the forwarder to try the receiver");
            waitFor(() -> "degraded".equals(first.anonymous().get("/health").json().get("status").asText()),
                    "health to report the failing sink (results are cached up to a second)");
            KmsClient.Response health = first.anonymous().get("/health");
            assertThat(health.status()).as("degraded still serves").isEqualTo(200);
            assertThat(received).isEmpty();
        }
        down.set(false); // back, but failing every third request
        try (TestNode second = TestNode.startIn(dataDir, cfg -> cfg.receiptWebhookUrl(url), false)) {
            operate(second, 15);
            Set<String> inLog = allReceiptIds(second.admin());
            assertThat(inLog).hasSizeGreaterThan(30);
            waitFor(() -> received.containsAll(inLog), "every receipt in the log to reach the receiver");
            assertThat(received).containsAll(inLog);
            waitFor(() -> metric(second, "kms_receipt_sink_lag{sink=\"webhook\"}") == 0, "the sink lag to reach 0");
            waitFor(() -> "healthy".equals(second.anonymous().get("/health").json().get("status").asText()),
                    "health to recover");
        }
        assertThat(posts.get()).as("failed posts were retried").isGreaterThan(3);
    }

    private static void operate(TestNode node, int signs) {
        KmsClient c = node.client("M27", "ledger-tenant");
        String key = c.createKey("ledger-tenant", "Ed25519", "sign", "verify").text("key_id");
        for (int i = 0; i < signs; i++) {
            assertThat(c.sign("ledger-tenant", key, new byte[] {(byte) i}, null).status()).isEqualTo(200);
        }
        assertThat(c.sign("other-tenant", key, new byte[] {1}, null).status()).isEqualTo(403);
    }

    private static Set<String> allReceiptIds(KmsClient admin) {
        Set<String> ids = new HashSet<>();
        String cursor = null;
        do {
            JsonNode page = admin.get("/audit/receipts?limit=1000" + (cursor == null ? "" : "&cursor=" + cursor)).json();
            page.get("receipts").forEach(r -> ids.add(r.get("receipt").get("receipt_id").asText()));
            cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").asText();
        } while (cursor != null);
        return ids;
    }

    private static double metric(TestNode node, String series) {
        return AuditApiIT.value(node.anonymous().get("/metrics").body(), series);
    }

    private static void waitFor(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(100);
        }
    }
}
