package com.zeroui.kms.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zeroui.kms.store.Database;
import com.zeroui.kms.support.TestNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The archive format and the chain check, on archives the real sealer wrote from a real log: 50
 * receipts, a seal below 20 (its receipt lands at 50), 10 more, a seal below 60 (receipt at 61),
 * 9 more, then a live export of 60..70. Copies are altered the way someone with access to cold
 * storage would, and each change fails naming the first bad index, head or file.
 */
class ArchiveVerifierTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Instant T0 = Instant.parse("2023-06-01T00:00:00Z");

    static Path dir;
    static Path first;
    static Path second;
    static Path live;
    static long logSize;

    @BeforeAll
    static void sealTwiceAndExport() throws Exception {
        dir = Files.createTempDirectory("kms-archive-test-");
        try (Database db = Database.open("jdbc:sqlite:" + dir.resolve("kms.db"), null, null);
             TestReceiptLog log = new TestReceiptLog(db)) {
            log.append(12, T0);
            log.heads.latest();
            log.append(38, T0.plusSeconds(100));
            first = log.sealer.seal(AuditSealer.Bound.parse("20"), dir, TestReceiptLog.OPERATOR).archive();
            log.append(10, T0.plusSeconds(200));
            second = log.sealer.seal(AuditSealer.Bound.parse("60"), dir, TestReceiptLog.OPERATOR).archive();
            log.append(9, T0.plusSeconds(300));
            log.heads.latest();
            live = dir.resolve("live.json");
            try (OutputStream out = Files.newOutputStream(live)) {
                new BundleExporter(log.repository, TestReceiptLog::publicKey, Clock.systemUTC()).export(out);
            }
            logSize = log.repository.size();
        }
        assertThat(logSize).isEqualTo(71);
    }

    @AfterAll
    static void remove() {
        TestNode.deleteTree(dir);
    }

    // ---- untouched ----------------------------------------------------------------------------

    @Test
    void anArchiveListsEverythingBeforeItsReceiptsAndVerifiesAlone() throws IOException {
        String text = Files.readString(first);
        assertThat(text).startsWith("{\"format\":\"kms-audit-archive/v1\",\"sealed_at\":\"");
        assertThat(text.indexOf("\"start_frontier\"")).isLessThan(text.indexOf("\"receipts\""));
        assertThat(text.indexOf("\"tree_heads\"")).isLessThan(text.indexOf("\"receipts\""));

        BundleVerifier.Result result = verify(first);
        assertThat(result.problem()).isNull();
        assertThat(result.receipts()).isEqualTo(20);
        assertThat(result.segment().isArchive()).isTrue();
        assertThat(result.segment().firstIndex()).isZero();
        assertThat(result.segment().endIndex()).isEqualTo(20);
        assertThat(result.segment().previous()).isNull();
        assertThat(result.treeHeads()).as("the head at 12 and the one signed for the seal at 20").isEqualTo(2);
    }

    @Test
    void aLaterArchiveVerifiesAloneFromItsFrontierAndConfirmsThePreviousSeal() throws IOException {
        BundleVerifier.Result result = verify(second);
        assertThat(result.problem()).isNull();
        assertThat(result.segment().firstIndex()).isEqualTo(20);
        assertThat(result.segment().endIndex()).isEqualTo(60);
        assertThat(result.segment().startFrontier()).extracting(MerkleFrontier.Node::level).containsExactly(4, 2);
        assertThat(result.segment().previous().file()).isEqualTo(first.getFileName().toString());
        assertThat(result.segment().previous().sealReceiptIndex()).isEqualTo(50);
        assertThat(result.segment().sealReceiptsConfirmed()).isEqualTo(1);
        // the head at 20 (the previous seal's) is checked against the frontier before any receipt
        assertThat(result.treeHeads()).isEqualTo(2);
    }

    @Test
    void archivesInOrderFollowedByTheLiveExportAreOneLog() throws IOException {
        ChainVerifier.Result chain = chain(first, second, live);
        assertThat(chain.problem()).isNull();
        assertThat(chain.receipts()).isEqualTo(logSize);
        assertThat(chain.firstIndex()).isZero();
        assertThat(chain.endIndex()).isEqualTo(logSize);
        assertThat(chain.sealReceiptsConfirmed()).isEqualTo(2);
        assertThat(chain.sealReceiptsPending()).isZero();
        assertThat(chain.keyIds()).containsExactly(TestReceiptLog.KEY_ID);
    }

    // ---- an archive altered ------------------------------------------------------------------

    @Test
    void alteredReceiptIsNamed() throws IOException {
        ObjectNode a = read(first);
        ObjectNode context = (ObjectNode) receipts(a).get(7).get("kms_context");
        context.put("success", !context.get("success").asBoolean());
        assertThat(problem(a)).isEqualTo("index 7: signature does not verify");
    }

    @Test
    void deletedReceiptIsNamed() throws IOException {
        ObjectNode a = read(second);
        receipts(a).remove(5); // index 25
        assertThat(problem(a)).isEqualTo("index 25: expected log_index 25, found 26");
    }

    @Test
    void reorderedReceiptsAreNamedAtTheFirstOfThem() throws IOException {
        ObjectNode a = read(second);
        ArrayNode r = receipts(a);
        JsonNode at30 = r.get(10);
        r.set(10, r.get(13));
        r.set(13, at30);
        assertThat(problem(a)).isEqualTo("index 30: expected log_index 30, found 33");
    }

    @Test
    void alteredFrontierHashFailsTheFirstSignedRoot() throws IOException {
        ObjectNode a = read(second);
        ((ObjectNode) a.get("start_frontier").get(1)).put("hash", "11".repeat(32));
        assertThat(problem(a)).startsWith("tree head 20: root mismatch: signed ");
    }

    @Test
    void frontierThatIsNotTheTreeAtTheStartIsRefused() throws IOException {
        ObjectNode a = read(second);
        ((ArrayNode) a.get("start_frontier")).remove(1);
        assertThat(problem(a)).isEqualTo("archive: start_frontier: a tree of size 20 has 2 subtrees on its frontier, found 1");
        ObjectNode shifted = read(second);
        ((ObjectNode) shifted.get("start_frontier").get(0)).put("index", 1);
        assertThat(problem(shifted)).startsWith("archive: start_frontier: frontier subtree 0 of a tree of size 20 must be");
    }

    @Test
    void archiveWithoutItsEndHeadIsRefused() throws IOException {
        ObjectNode a = read(first);
        ArrayNode heads = (ArrayNode) a.get("tree_heads");
        heads.remove(heads.size() - 1);
        assertThat(problem(a)).isEqualTo("archive: no signed tree head at its end, tree size 20");
    }

    @Test
    void laterArchiveWithoutItsPreviousIsRefused() throws IOException {
        ObjectNode a = read(second);
        a.putNull("previous_archive");
        assertThat(problem(a)).isEqualTo("archive: an archive that starts at index 20 must name its previous_archive");
    }

    @Test
    void previousArchiveDigestChangedInTheFileIsCaughtByTheSealReceipt() throws IOException {
        ObjectNode a = read(second);
        ((ObjectNode) a.get("previous_archive")).put("sha256", "22".repeat(32));
        assertThat(problem(a)).isEqualTo("index 50: the audit_sealed receipt does not commit to archive "
                + first.getFileName() + " as named (file, sha256, range, root)");
    }

    // ---- the chain broken --------------------------------------------------------------------

    @Test
    void missingArchiveIsNamed() throws IOException {
        ChainVerifier.Result chain = chain(first, live);
        assertThat(chain.failedFile()).isEqualTo(live);
        assertThat(chain.problem()).isEqualTo("starts at index 60, but " + first.getFileName()
                + " ends at index 20 (an archive is missing)");
    }

    @Test
    void archivesOutOfOrderAreNamed() throws IOException {
        ChainVerifier.Result chain = chain(second, first);
        assertThat(chain.failedFile()).isEqualTo(first);
        assertThat(chain.problem()).isEqualTo("starts at index 0, but " + second.getFileName()
                + " ends at index 60 (the files overlap or are out of order)");
    }

    @Test
    void archiveRewrittenOutsideItsSignaturesBreaksTheDigestChain() throws IOException {
        // every receipt and head still verifies; only the file's bytes differ from what was sealed
        ObjectNode a = read(first);
        a.put("sealed_at", Instant.EPOCH.toString());
        Path copy = write("rewritten-" + first.getFileName(), a);
        assertThat(verify(copy).problem()).isNull();

        ChainVerifier.Result chain = chain(copy, second, live);
        assertThat(chain.failedFile()).isEqualTo(second);
        assertThat(chain.problem()).startsWith("previous_archive has SHA-256 ").contains(", but " + copy.getFileName()
                + " hashes to ");
    }

    @Test
    void onlyTheLastFileMayBeAnExport() throws IOException {
        ChainVerifier.Result chain = chain(first, second, live, live);
        assertThat(chain.problem()).isEqualTo("live.json is an export bundle: only the last file of a chain may be one");
    }

    // ---- helpers ------------------------------------------------------------------------------

    static ObjectNode read(Path file) throws IOException {
        return (ObjectNode) JSON.readTree(file.toFile());
    }

    static ArrayNode receipts(ObjectNode file) {
        return (ArrayNode) file.get("receipts");
    }

    static BundleVerifier.Result verify(Path file) throws IOException {
        return new BundleVerifier(TestReceiptLog.CRYPTO).verifyFile(file, TestReceiptLog.trustedKeys(), java.util.Map.of())
                .result();
    }

    static String problem(JsonNode file) throws IOException {
        BundleVerifier.Result result = new BundleVerifier(TestReceiptLog.CRYPTO).verify(
                new ByteArrayInputStream(JSON.writeValueAsBytes(file)), TestReceiptLog.trustedKeys());
        assertThat(result.ok()).as("verification must fail").isFalse();
        return result.problem().message();
    }

    static Path write(String name, JsonNode content) throws IOException {
        Path file = dir.resolve(name);
        Files.write(file, JSON.writeValueAsString(content).getBytes(StandardCharsets.UTF_8));
        return file;
    }

    static ChainVerifier.Result chain(Path... files) throws IOException {
        return new ChainVerifier(new BundleVerifier(TestReceiptLog.CRYPTO)).verify(List.of(files), TestReceiptLog.trustedKeys());
    }
}
