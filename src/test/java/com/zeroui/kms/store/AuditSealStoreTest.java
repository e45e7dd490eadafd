package com.zeroui.kms.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import com.zeroui.kms.audit.AuditQueries;
import com.zeroui.kms.audit.AuditRepository;
import com.zeroui.kms.audit.AuditSealer;
import com.zeroui.kms.audit.BundleExporter;
import com.zeroui.kms.audit.BundleVerifier;
import com.zeroui.kms.audit.ChainVerifier;
import com.zeroui.kms.audit.MerkleFrontier;
import com.zeroui.kms.audit.MerkleTree;
import com.zeroui.kms.audit.ReceiptForwarder;
import com.zeroui.kms.audit.TestReceiptLog;
import com.zeroui.kms.audit.TreeHead;
import com.zeroui.kms.audit.WebhookReceiptSink;
import com.zeroui.kms.error.KmsException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Sealing on both engines: the live tables shrink to the unsealed receipts plus the few subtree
 * hashes later proofs need, the log goes on with the right indices and proofs, also after a
 * restart (a new pool and writer on the same store), and archives plus a live export verify as
 * one log. Receipts are stamped one second apart from a fixed start, so date bounds are exact.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(StoreBackend.class)
class AuditSealStoreTest {
    static final Instant T0 = Instant.parse("2024-03-01T00:00:00Z");

    @Parameter(0)
    StoreBackend backend;

    @TempDir
    Path archives;

    StoreBackend.TempStore store;
    Database database;
    TestReceiptLog log;

    @BeforeEach
    void open() {
        store = backend.create("seal");
        database = store.open();
        log = new TestReceiptLog(database);
    }

    @AfterEach
    void close() {
        if (log != null) {
            log.close();
        }
        StoreBackend.close(store, database);
    }

    @Test
    void sealShrinksTheLiveStoreAndTheLogGoesOnWithProofsAcrossARestart() throws Exception {
        List<String> ids = log.append(100, T0);
        log.heads.latest();
        assertThat(count("kms_audit_receipts")).isEqualTo(100);
        long nodesBefore = count("kms_audit_nodes");

        AuditSealer.Outcome first = log.sealer.seal(AuditSealer.Bound.parse("60"), archives, TestReceiptLog.OPERATOR);

        AuditRepository.Seal seal = first.seal();
        assertThat(seal.firstIndex()).isZero();
        assertThat(seal.endIndex()).isEqualTo(60);
        assertThat(first.archive()).exists().hasFileName("kms-audit-0000000000000000-0000000000000060.json");
        assertThat(seal.archiveSha256()).isEqualTo(sha256(first.archive()));
        assertThat(seal.firstTs()).isEqualTo(T0);
        assertThat(seal.lastTs()).isEqualTo(T0.plusSeconds(59));
        assertThat(first.removed().receipts()).isEqualTo(60);
        // the live table keeps receipts 60..99 and the seal's own receipt at 100
        assertThat(count("kms_audit_receipts")).isEqualTo(41);
        assertThat(log.repository.findByReceiptId(first.receiptId()).orElseThrow().logIndex()).isEqualTo(100);
        assertThat(log.repository.latestSeal().orElseThrow().receiptIndex()).isEqualTo(100);
        // of the subtree hashes wholly before leaf 60 only the frontier at 60 = 32 + 16 + 8 + 4 is left
        assertThat(nodesWhollyBelow(60)).containsExactlyInAnyOrder("5:0", "4:2", "3:6", "2:14");
        assertThat(count("kms_audit_nodes")).isLessThan(nodesBefore - 100);
        assertThat(count("SELECT COUNT(*) FROM kms_audit_tree_heads WHERE tree_size < 60")).isZero();
        assertThat(log.repository.treeHead(60)).isPresent();

        // the API side: a sealed receipt names its archive; proofs work from the sealed end on
        KmsException sealed = catchKms(() -> log.queries.receipt(TestReceiptLog.ADMIN, ids.get(10)));
        assertThat(sealed.httpStatus()).isEqualTo(404);
        assertThat(sealed.details()).containsEntry("archive_file", seal.archiveFile()).containsEntry("sealed", true)
                .containsEntry("end_index", 60L);
        assertThat(sealed.getMessage()).contains("sealed into archive " + seal.archiveFile());
        assertInclusionProofVerifies(ids.get(75));
        KmsException refused = catchKms(() -> log.queries.consistency(59, log.repository.size()));
        assertThat(refused.httpStatus()).isEqualTo(400);
        assertThat(refused.details()).containsEntry("sealed_up_to", 60L);
        assertConsistencyVerifies(60, seal.rootHash());
        assertThat(log.queries.search(TestReceiptLog.ADMIN, null, null, null, null, null, null, 1000).receipts())
                .extracting(AuditRepository.ReceiptRow::logIndex).startsWith(60L, 61L).hasSize(41);

        // appending goes on at 101, and a restart (new pool, new writer) continues from there
        List<String> more = log.append(20, T0.plusSeconds(1000));
        assertThat(log.repository.findByReceiptId(more.get(0)).orElseThrow().logIndex()).isEqualTo(101);
        log.close();
        database.close();
        database = store.open();
        log = new TestReceiptLog(database);
        List<String> afterRestart = log.append(10, T0.plusSeconds(2000));
        assertThat(log.repository.findByReceiptId(afterRestart.get(9)).orElseThrow().logIndex()).isEqualTo(130);
        assertInclusionProofVerifies(afterRestart.get(3));
        assertInclusionProofVerifies(more.get(0));
        assertConsistencyVerifies(60, seal.rootHash());

        // a second seal by date: up to the first receipt stamped at or after T0+1000s — the first
        // seal's own receipt at 100, stamped now
        AuditSealer.Outcome second = log.sealer.seal(AuditSealer.Bound.parse(T0.plusSeconds(1000).toString()), archives,
                TestReceiptLog.OPERATOR);
        assertThat(second.seal().firstIndex()).isEqualTo(60);
        assertThat(second.seal().endIndex()).isEqualTo(100);
        assertThat(second.seal().lastTs()).isEqualTo(T0.plusSeconds(99));
        assertThat(count("kms_audit_receipts")).as("100..130 and the second seal's receipt").isEqualTo(32);
        assertThat(nodesWhollyBelow(100)).containsExactlyInAnyOrder("6:0", "5:2", "2:24");
        assertInclusionProofVerifies(afterRestart.get(0));

        // archives in order plus the live export are one log, each seal confirmed by its receipt
        Path live = archives.resolve("live.json");
        try (OutputStream out = Files.newOutputStream(live)) {
            new BundleExporter(log.repository, TestReceiptLog::publicKey, Clock.systemUTC()).export(out);
        }
        ChainVerifier.Result chain = new ChainVerifier(new BundleVerifier(TestReceiptLog.CRYPTO))
                .verify(List.of(first.archive(), second.archive(), live), TestReceiptLog.trustedKeys());
        assertThat(chain.problem()).isNull();
        assertThat(chain.receipts()).isEqualTo(log.repository.size()).isEqualTo(132);
        assertThat(chain.sealReceiptsConfirmed()).isEqualTo(2);
    }

    @Test
    void sealStopsWhereAReceiptSinkStoppedAcknowledging() throws Exception {
        log.append(30, T0);
        log.repository.sinkCursor("webhook");
        assertThat(log.repository.advanceSinkCursor("webhook", 0, 12)).isTrue();

        AuditSealer.Plan plan = log.sealer.plan(AuditSealer.Bound.parse("25"));
        assertThat(plan.endIndex()).isEqualTo(12);
        assertThat(plan.limitedBy()).contains("receipt sink webhook").contains("below index 12");

        AuditSealer.Outcome outcome = log.sealer.seal(AuditSealer.Bound.parse("25"), archives, TestReceiptLog.OPERATOR);
        assertThat(outcome.seal().endIndex()).isEqualTo(12);
        assertThat(log.repository.range(0, 1).get(0).logIndex()).isEqualTo(12);

        // nothing more until the sink moves on
        AuditSealer.Outcome none = log.sealer.seal(AuditSealer.Bound.parse("25"), archives, TestReceiptLog.OPERATOR);
        assertThat(none.seal()).isNull();
        assertThat(none.plan().isEmpty()).isTrue();
    }

    @Test
    void aSinkAddedAfterASealGetsTheLiveLogOnceFromTheSealedEnd() throws Exception {
        log.append(30, T0);
        log.sealer.seal(AuditSealer.Bound.parse("20"), archives, TestReceiptLog.OPERATOR);
        List<Long> delivered = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        HttpServer ledger = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        ledger.createContext("/receipts", exchange -> {
            JsonNode body = new ObjectMapper().readTree(exchange.getRequestBody());
            body.get("receipts").forEach(r -> delivered.add(r.get("log_index").asLong()));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        ledger.start();
        try (ReceiptForwarder forwarder = new ReceiptForwarder(log.repository, new WebhookReceiptSink(
                URI.create("http://127.0.0.1:" + ledger.getAddress().getPort() + "/receipts")))) {
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (log.repository.sinkCursor("webhook") < 31 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(log.repository.sinkCursor("webhook")).isEqualTo(31);
            Thread.sleep(300); // a forwarder that miscounted the gap would deliver some again now
        } finally {
            ledger.stop(0);
        }
        assertThat(delivered).containsExactlyElementsOf(java.util.stream.LongStream.range(20, 31).boxed().toList());
    }

    @Test
    void aSealRecordedByAnInterruptedRunIsFinishedByTheNext() throws Exception {
        log.append(40, T0);
        // as if a run stopped right after recording the seal: no receipt for it yet, receipts still live
        TreeHead head = log.heads.at(25);
        assertThat(log.repository.insertSeal(new AuditRepository.Seal(0, 25, "kms-audit-interrupted.json", "ab".repeat(32),
                head.rootHashHex(), T0, T0.plusSeconds(24), Instant.now().truncatedTo(ChronoUnit.MILLIS), null))).isTrue();
        assertThat(log.repository.insertSeal(new AuditRepository.Seal(0, 30, "again.json", "cd".repeat(32),
                head.rootHashHex(), T0, T0, Instant.now(), null))).as("the range is taken").isFalse();
        assertThat(log.repository.insertSeal(new AuditRepository.Seal(26, 30, "gap.json", "cd".repeat(32),
                head.rootHashHex(), T0, T0, Instant.now(), null))).as("seals are contiguous").isFalse();

        AuditSealer.Removed removed = log.sealer.finishLatest(TestReceiptLog.OPERATOR);

        assertThat(removed.receipts()).isEqualTo(25);
        AuditRepository.Seal seal = log.repository.latestSeal().orElseThrow();
        assertThat(seal.receiptIndex()).isEqualTo(40);
        AuditRepository.ReceiptRow receipt = log.repository.range(40, 1).get(0);
        assertThat(receipt.operation()).isEqualTo(AuditSealer.OPERATION);
        assertThat(receipt.json()).contains(AuditSealer.sealRequestDigest("kms-audit-interrupted.json", "ab".repeat(32), 0, 25,
                head.rootHashHex()));
        assertThat(count("kms_audit_receipts")).isEqualTo(16);
    }

    // ---- helpers ------------------------------------------------------------------------------

    private void assertInclusionProofVerifies(String receiptId) {
        AuditQueries.ReceiptProof proof = log.queries.receipt(TestReceiptLog.ADMIN, receiptId);
        TreeHead head = proof.treeHead();
        List<byte[]> hashes = proof.inclusionProof().stream().map(HexFormat.of()::parseHex).toList();
        assertThat(MerkleTree.verifyInclusion(TestReceiptLog.leafHash(proof.receipt().json()), proof.receipt().logIndex(),
                head.treeSize(), hashes, HexFormat.of().parseHex(head.rootHashHex()))).as("inclusion of " + receiptId).isTrue();
    }

    private void assertConsistencyVerifies(long first, String firstRoot) {
        TreeHead head = log.heads.latest();
        AuditQueries.Consistency c = log.queries.consistency(first, head.treeSize());
        List<byte[]> hashes = c.proof().stream().map(HexFormat.of()::parseHex).toList();
        assertThat(MerkleTree.verifyConsistency(first, head.treeSize(), HexFormat.of().parseHex(firstRoot),
                HexFormat.of().parseHex(head.rootHashHex()), hashes)).as("consistency %d..%d", first, head.treeSize()).isTrue();
    }

    /** Stored subtrees (level:index) that lie wholly before leaf {@code end}. */
    private List<String> nodesWhollyBelow(long end) throws SQLException {
        try (Connection c = database.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT level, node_index FROM kms_audit_nodes");
             ResultSet rs = ps.executeQuery()) {
            List<String> out = new java.util.ArrayList<>();
            while (rs.next()) {
                int level = rs.getInt(1);
                long index = rs.getLong(2);
                if ((index + 1) << level <= end) {
                    out.add(level + ":" + index);
                }
            }
            assertThat(out).hasSameSizeAs(MerkleFrontier.decomposition(end));
            return out;
        }
    }

    private long count(String tableOrQuery) throws SQLException {
        String sql = tableOrQuery.startsWith("SELECT") ? tableOrQuery : "SELECT COUNT(*) FROM " + tableOrQuery;
        try (Connection c = database.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql);
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static KmsException catchKms(Runnable call) {
        try {
            call.run();
        } catch (KmsException e) {
            return e;
        }
        throw new AssertionError("expected a KmsException");
    }

    private static String sha256(Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
