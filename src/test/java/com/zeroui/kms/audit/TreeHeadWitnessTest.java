package com.zeroui.kms.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import com.zeroui.kms.events.EventOutbox;
import com.zeroui.kms.events.EventType;
import com.zeroui.kms.events.Events;
import com.zeroui.kms.store.Database;
import com.zeroui.kms.store.JdbcEventOutbox;
import com.zeroui.kms.support.TestNode;
import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Outside witness copies of the signed tree heads: each head signed is a {@code tree_head_signed}
 * event in the transactional outbox (once, whichever node signs it) and is delivered to the receipt
 * webhook; a head kept that way catches a log that was later cut back or forked
 * ({@link TrustedHead}, what {@code kms audit verify --trusted-head} runs).
 */
class TreeHeadWitnessTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");

    Path dir;
    Database db;
    TestReceiptLog log;

    @BeforeEach
    void open() throws Exception {
        dir = Files.createTempDirectory("kms-witness-");
        db = Database.open("jdbc:sqlite:" + dir.resolve("kms.db"), null, null);
        log = new TestReceiptLog(db);
    }

    @AfterEach
    void close() {
        log.close();
        db.close();
        TestNode.deleteTree(dir);
    }

    private TreeHeads publishingHeads() {
        Clock clock = Clock.systemUTC();
        return new TreeHeads(log.repository, ReceiptSigner.of(TestReceiptLog.KEY_ID, TestReceiptLog::sign), clock,
                new LogIntegrity(), new Events(Set.of(EventType.TREE_HEAD_SIGNED), clock));
    }

    @Test
    void everySignedHeadIsOneEventInTheOutbox() throws Exception {
        log.append(5, T0);
        TreeHead first = publishingHeads().latest();
        assertThat(publishingHeads().latest()).as("the same size again: no new head").isEqualTo(first);
        log.append(3, T0.plusSeconds(10));
        TreeHead second = publishingHeads().latest();

        JdbcEventOutbox outbox = new JdbcEventOutbox(db);
        List<EventOutbox.StoredEvent> events = outbox.after(0, null, 100);
        assertThat(events).extracting(EventOutbox.StoredEvent::type)
                .containsExactly(EventType.TREE_HEAD_SIGNED, EventType.TREE_HEAD_SIGNED);
        JsonNode payload = JSON.readTree(events.get(1).json()).get("payload");
        assertThat(payload).isEqualTo(JSON.readTree(JSON.writeValueAsString(second.view())));
        assertThat(outbox.after(0, null, 100)).as("the admin feed carries them; tenants' feeds only their own events")
                .hasSize(2);
        assertThat(outbox.after(0, "tenant-a", 100)).isEmpty();

        // the payload is a head `kms audit verify --trusted-head` accepts
        TrustedHead kept = TrustedHead.read(new ByteArrayInputStream(payload.toString().getBytes(StandardCharsets.UTF_8)));
        assertThat(kept.head()).isEqualTo(second);
    }

    @Test
    void theReceiptWebhookGetsEveryHeadAndItsCursorDoesNotHoldUpSealing() throws Exception {
        Set<Long> heads = ConcurrentHashMap.newKeySet();
        Set<String> receipts = ConcurrentHashMap.newKeySet();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/ledger", exchange -> {
            JsonNode body = JSON.readTree(exchange.getRequestBody().readAllBytes());
            body.get("receipts").forEach(r -> receipts.add(r.get("receipt_id").asText()));
            if (body.has("tree_heads")) {
                for (JsonNode h : body.get("tree_heads")) {
                    assertThat(TrustedHead.read(new ByteArrayInputStream(h.toString().getBytes(StandardCharsets.UTF_8))))
                            .isNotNull();
                    heads.add(h.get("tree_size").asLong());
                }
            }
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        try {
            log.append(4, T0);
            log.heads.latest();
            log.append(6, T0.plusSeconds(10));
            log.heads.latest();
            URI url = URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/ledger");
            try (ReceiptForwarder forwarder = new ReceiptForwarder(log.repository, new WebhookReceiptSink(url))) {
                long deadline = System.nanoTime() + 20_000_000_000L;
                while ((heads.size() < 2 || receipts.size() < 10) && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                assertThat(heads).containsExactlyInAnyOrder(4L, 10L);
                assertThat(receipts).hasSize(10);
                forwarder.check();
            }
            assertThat(log.repository.sinkCursors()).containsEntry("webhook", 10L)
                    .containsEntry(ReceiptForwarder.treeHeadCursor("webhook"), 11L);
            assertThat(log.sealer.plan(AuditSealer.Bound.parse("10")).limitedBy()).isNull();
        } finally {
            receiver.stop(0);
        }
    }

    @Test
    void aKeptHeadCatchesALogCutBackAndRegrownPastIt() throws Exception {
        log.append(20, T0);
        TreeHead kept = log.heads.latest();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("kms.db"));
             Statement s = c.createStatement()) {
            s.executeUpdate("DELETE FROM kms_audit_receipts WHERE log_index >= 12");
            s.executeUpdate("DELETE FROM kms_audit_tree_heads WHERE tree_size > 12");
            s.executeUpdate("DELETE FROM kms_audit_nodes WHERE ((node_index + 1) << level) > 12");
            s.executeUpdate("UPDATE kms_audit_head SET tree_size = 12");
        }
        log.append(15, T0.plusSeconds(100)); // 27 receipts now: more than the kept head, but a different log
        log.heads.latest();
        Path export = dir.resolve("export.json");
        try (OutputStream out = Files.newOutputStream(export)) {
            new BundleExporter(log.repository, TestReceiptLog::publicKey, Clock.systemUTC()).export(out);
        }
        ChainVerifier.Result chain = new ChainVerifier(new BundleVerifier(TestReceiptLog.CRYPTO))
                .verify(List.of(export), TestReceiptLog.trustedKeys(), kept.treeSize());
        assertThat(chain.ok()).as("the regrown log is consistent in itself: " + chain.problem()).isTrue();

        assertThat(new TrustedHead(kept).problem(chain, TestReceiptLog.CRYPTO)).get().asString()
                .startsWith("at tree size 20 the log's root is ")
                .contains("signs " + kept.rootHashHex() + ": the log of 27 receipts does not extend that head");

        TreeHead altered = new TreeHead(kept.treeSize(), chain.rootAtProbe().map(java.util.HexFormat.of()::formatHex)
                .orElseThrow(), kept.timestamp(), kept.keyId(), kept.signatureBase64());
        assertThat(new TrustedHead(altered).problem(chain, TestReceiptLog.CRYPTO)).get().asString()
                .contains("its signature does not verify");
    }
}
