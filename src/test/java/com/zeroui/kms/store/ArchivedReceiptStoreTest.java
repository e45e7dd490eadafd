package com.zeroui.kms.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.zeroui.kms.audit.ArchivedReceipts;
import com.zeroui.kms.audit.AuditQueries;
import com.zeroui.kms.audit.AuditRepository;
import com.zeroui.kms.audit.AuditRetention;
import com.zeroui.kms.audit.AuditSealer;
import com.zeroui.kms.audit.AuditSelfCheck;
import com.zeroui.kms.audit.Checkpoint;
import com.zeroui.kms.audit.LogIntegrity;
import com.zeroui.kms.audit.MerkleTree;
import com.zeroui.kms.audit.ReceiptDraft;
import com.zeroui.kms.audit.ReceiptKeyring;
import com.zeroui.kms.audit.TestReceiptLog;
import com.zeroui.kms.auth.CallerIdentity;
import com.zeroui.kms.auth.Role;
import com.zeroui.kms.crypto.RandomIds;
import com.zeroui.kms.error.ErrorCode;
import com.zeroui.kms.error.KmsException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.Period;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Retention with instant retrieval, on both engines: a sealed receipt is answered from its archive
 * through the index with the same body and a proof into the signed head at the archive's end; the
 * search pages through archives and the live log with the same filters and tenant rules; a tampered
 * archive or node file is reported, never served; the retention policy refuses early deletion and
 * audits deletion after it.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(StoreBackend.class)
class ArchivedReceiptStoreTest {
    static final Instant T0 = Instant.parse("2024-03-01T00:00:00Z");
    static final CallerIdentity TENANT_B = new CallerIdentity("M7", "tenant-b", Set.of(),
            "spiffe://zeroui.local/tenant/tenant-b/module/M7");
    static final CallerIdentity TENANT_A = new CallerIdentity("M8", "tenant-a", Set.of(),
            "spiffe://zeroui.local/tenant/tenant-a/module/M8");

    @Parameter(0)
    StoreBackend backend;

    @TempDir
    Path archives;

    StoreBackend.TempStore store;
    Database database;
    TestReceiptLog log;
    /** Receipt ids in log order: 0..39 tenant-a, 40..49 tenant-b, 50..59 tenant-a. */
    List<String> ids = new ArrayList<>();

    @BeforeEach
    void open() {
        store = backend.create("archived");
        database = store.open();
        log = new TestReceiptLog(database, archives);
        ids.addAll(log.append(40, T0));
        for (int i = 40; i < 50; i++) {
            ids.add(log.log.append(tenantB(i, T0.plusSeconds(i))));
        }
        for (int i = 50; i < 60; i++) {
            ids.add(log.log.append(TestReceiptLog.draft(i, T0.plusSeconds(i))));
        }
    }

    @AfterEach
    void close() {
        if (log != null) {
            log.close();
        }
        StoreBackend.close(store, database);
    }

    @Test
    void aSealedReceiptIsAnsweredFromItsArchiveWithTheSameBodyAndAProofIntoTheLog() throws Exception {
        String liveJson = log.repository.findByReceiptId(ids.get(10)).orElseThrow().json();
        AuditSealer.Outcome first = log.sealer.seal(AuditSealer.Bound.parse("30"), archives, TestReceiptLog.OPERATOR);
        AuditSealer.Outcome second = log.sealer.seal(AuditSealer.Bound.parse("55"), archives, TestReceiptLog.OPERATOR);
        assertThat(log.repository.findByReceiptId(ids.get(10))).as("gone from the live table").isEmpty();
        assertThat(first.archive().resolveSibling(first.seal().archiveFile() + ".nodes")).exists();

        AuditQueries.ReceiptProof proof = log.queries.receipt(TestReceiptLog.ADMIN, ids.get(10));

        assertThat(proof.receipt().json()).isEqualTo(liveJson);
        assertThat(proof.receipt().logIndex()).isEqualTo(10);
        assertThat(proof.archive().archiveFile()).isEqualTo(first.seal().archiveFile());
        assertThat(proof.archive().archiveSha256()).isEqualTo(first.seal().archiveSha256());
        assertThat(proof.previousArchive()).isNull();
        assertThat(proof.treeHead().treeSize()).isEqualTo(30);
        assertThat(proof.treeHead().rootHashHex()).isEqualTo(first.seal().rootHash());
        assertProofVerifies(proof);

        // in the second archive, its place in the chain: the first archive before it
        AuditQueries.ReceiptProof later = log.queries.receipt(TestReceiptLog.ADMIN, ids.get(44));
        assertThat(later.archive().archiveFile()).isEqualTo(second.seal().archiveFile());
        assertThat(later.previousArchive().archiveSha256()).isEqualTo(first.seal().archiveSha256());
        assertThat(later.archive().receiptIndex()).as("the audit_sealed receipt that commits to it").isNotNull();
        assertProofVerifies(later);
        // receipts still live keep proving into the latest head
        assertProofVerifies(log.queries.receipt(TestReceiptLog.ADMIN, ids.get(57)));

        // tenants: authorised on the signed content, another tenant's sealed receipt is answered like an absent one
        assertThat(log.queries.receipt(TENANT_B, ids.get(44)).receipt().logIndex()).isEqualTo(44);
        KmsException hidden = catchThrowableOfType(KmsException.class, () -> log.queries.receipt(TENANT_B, ids.get(10)));
        assertThat(hidden.httpStatus()).isEqualTo(404);
        assertThat(hidden.details()).doesNotContainKey("archive_file");
    }

    @Test
    void theSearchPagesThroughArchivesAndTheLiveLogWithTheSameFiltersAndTenantRules() throws Exception {
        log.sealer.seal(AuditSealer.Bound.parse("30"), archives, TestReceiptLog.OPERATOR);
        log.sealer.seal(AuditSealer.Bound.parse("55"), archives, TestReceiptLog.OPERATOR);
        long size = log.repository.size();

        List<Long> all = new ArrayList<>();
        Long cursor = null;
        do {
            AuditQueries.Page page = log.queries.search(TestReceiptLog.ADMIN, null, null, null, null, null, cursor, 7);
            page.receipts().forEach(r -> all.add(r.logIndex()));
            cursor = page.nextCursor();
        } while (cursor != null);
        assertThat(all).as("every receipt once, in log order").containsExactlyElementsOf(
                java.util.stream.LongStream.range(0, size).boxed().toList());

        assertThat(log.queries.search(TestReceiptLog.ADMIN, null, "key-3", null, null, null, null, 100).receipts())
                .extracting(AuditRepository.ReceiptRow::logIndex).containsExactly(3L);
        assertThat(log.queries.search(TestReceiptLog.ADMIN, null, null, "signature_verified", T0.plusSeconds(20),
                T0.plusSeconds(34), null, 100).receipts())
                .extracting(AuditRepository.ReceiptRow::logIndex).containsExactly(21L, 23L, 25L, 27L, 29L, 31L, 33L);
        assertThat(log.queries.search(TestReceiptLog.ADMIN, null, null, null, null, null, Boolean.FALSE, null, 100)
                .receipts()).extracting(AuditRepository.ReceiptRow::logIndex).startsWith(0L, 3L, 6L);

        // a module sees its own tenant's receipts only, archived or live
        assertThat(log.queries.search(TENANT_B, null, null, null, null, null, null, 100).receipts())
                .extracting(AuditRepository.ReceiptRow::logIndex)
                .containsExactlyElementsOf(java.util.stream.LongStream.range(40, 50).boxed().toList());
        assertThat(log.queries.search(TENANT_A, null, null, null, null, null, null, 1000).receipts())
                .extracting(AuditRepository.ReceiptRow::logIndex).doesNotContain(40L, 45L, 49L).contains(0L, 39L, 50L, 58L);
        assertThat(catchThrowableOfType(KmsException.class,
                () -> log.queries.search(TENANT_B, "tenant-a", null, null, null, null, null, 100)).code())
                .isEqualTo(ErrorCode.UNAUTHORIZED);
    }

    @Test
    void aTamperedArchiveIsReportedNeverServed() throws Exception {
        AuditSealer.Outcome sealed = log.sealer.seal(AuditSealer.Bound.parse("30"), archives, TestReceiptLog.OPERATOR);
        Path archive = sealed.archive();
        // read once: the whole file is checked and remembered, so the next check is the receipt's own proof
        assertProofVerifies(log.queries.receipt(TestReceiptLog.ADMIN, ids.get(5)));

        // the same length, other content: "key_size_bits":256 → 257 (receipt 13 edited in place, still valid JSON)
        com.zeroui.kms.audit.ArchiveIndex.Entry entry = log.index.findByReceiptId(ids.get(13)).orElseThrow();
        String receipt = new String(log.archives.read(sealed.seal().archiveFile(), entry.offset(), entry.length()),
                StandardCharsets.UTF_8);
        int at = receipt.indexOf("\"key_size_bits\":256");
        assertThat(at).isPositive();
        try (RandomAccessFile file = new RandomAccessFile(archive.toFile(), "rw")) {
            file.seek(entry.offset() + receipt.substring(0, at).getBytes(StandardCharsets.UTF_8).length
                    + "\"key_size_bits\":25".length());
            file.write('7');
        }
        KmsException edited = catchThrowableOfType(KmsException.class,
                () -> log.queries.receipt(TestReceiptLog.ADMIN, ids.get(13)));
        assertThat(edited.httpStatus()).isEqualTo(503);
        assertThat(edited.details()).containsEntry("integrity", "failed").containsEntry("archive_file",
                sealed.seal().archiveFile());
        assertThat(edited.getMessage()).contains("does not prove into the sealed root");

        // a fresh process hashes the whole file first: every receipt of the archive is refused
        log.archived.forgetVerified();
        KmsException whole = catchThrowableOfType(KmsException.class,
                () -> log.queries.receipt(TestReceiptLog.ADMIN, ids.get(20)));
        assertThat(whole.httpStatus()).isEqualTo(503);
        assertThat(whole.getMessage()).contains("SHA-256").contains(sealed.seal().archiveSha256());
        assertThat(catchThrowableOfType(KmsException.class,
                () -> log.queries.search(TestReceiptLog.ADMIN, null, null, null, null, null, null, 10)).details())
                .containsEntry("integrity", "failed");
    }

    @Test
    void aTamperedNodeFileOrAMissingArchiveIsReportedNeverServed() throws Exception {
        AuditSealer.Outcome sealed = log.sealer.seal(AuditSealer.Bound.parse("30"), archives, TestReceiptLog.OPERATOR);
        Path nodes = sealed.archive().resolveSibling(sealed.seal().archiveFile() + ".nodes");
        byte[] bytes = Files.readAllBytes(nodes);
        bytes[32 * 3] ^= 1; // leaf hash of receipt 3, the sibling on receipt 2's path
        Files.write(nodes, bytes);
        KmsException forged = catchThrowableOfType(KmsException.class,
                () -> log.queries.receipt(TestReceiptLog.ADMIN, ids.get(2)));
        assertThat(forged.httpStatus()).isEqualTo(503);
        assertThat(forged.details()).containsEntry("integrity", "failed");

        Files.delete(sealed.archive());
        KmsException missing = catchThrowableOfType(KmsException.class,
                () -> log.queries.receipt(TestReceiptLog.ADMIN, ids.get(7)));
        assertThat(missing.code()).isEqualTo(ErrorCode.DEPENDENCY_UNAVAILABLE);
        assertThat(missing.getMessage()).contains("missing from the archive store");
    }

    @Test
    void retentionRefusesEarlyDeletionAndAuditsDeletionAfterIt() throws Exception {
        AuditSealer.Outcome first = log.sealer.seal(AuditSealer.Bound.parse("30"), archives, TestReceiptLog.OPERATOR);
        AuditSealer.Outcome second = log.sealer.seal(AuditSealer.Bound.parse("55"), archives, TestReceiptLog.OPERATOR);
        AuditRetention now = retention(Clock.systemUTC());

        KmsException early = catchThrowableOfType(KmsException.class,
                () -> now.delete(first.seal().archiveFile(), TestReceiptLog.OPERATOR));
        assertThat(early.code()).isEqualTo(ErrorCode.POLICY_VIOLATION);
        assertThat(early.details()).containsEntry("retention", "P7Y")
                .containsEntry("retained_until", "2031-03-01T00:00:29Z");
        assertThat(early.receiptId()).as("the refusal is audited").isNotNull();
        assertThat(first.archive()).exists();
        assertThat(log.queries.receipt(TestReceiptLog.ADMIN, ids.get(10)).receipt().logIndex()).isEqualTo(10);

        // seven years on: the second archive must wait for the first, which goes with an audit_archive_deleted receipt
        AuditRetention later = retention(Clock.fixed(Instant.parse("2031-03-01T00:00:30Z"), ZoneOffset.UTC));
        KmsException outOfOrder = catchThrowableOfType(KmsException.class,
                () -> later.delete(second.seal().archiveFile(), TestReceiptLog.OPERATOR));
        assertThat(outOfOrder.httpStatus()).isEqualTo(409);
        assertThat(outOfOrder.details()).containsEntry("oldest_archive", first.seal().archiveFile());
        assertThat(later.archives()).extracting(AuditRetention.Status::deletable).containsExactly(true, false);

        AuditRetention.Deletion deletion = later.delete(first.seal().archiveFile(), TestReceiptLog.OPERATOR);

        assertThat(deletion.entriesRemoved()).isEqualTo(30);
        assertThat(first.archive()).doesNotExist();
        assertThat(first.archive().resolveSibling(first.seal().archiveFile() + ".nodes")).doesNotExist();
        AuditRepository.ReceiptRow recorded = log.repository.findByReceiptId(deletion.receiptId()).orElseThrow();
        assertThat(recorded.operation()).isEqualTo(AuditRetention.OPERATION);
        assertThat(recorded.success()).isTrue();
        assertThat(recorded.json()).contains("\"tenant_id\":\"GLOBAL\"");
        KmsException gone = catchThrowableOfType(KmsException.class,
                () -> log.queries.receipt(TestReceiptLog.ADMIN, ids.get(10)));
        assertThat(gone.httpStatus()).isEqualTo(404);
        assertThat(gone.details()).containsEntry("deletion_receipt_id", deletion.receiptId())
                .containsEntry("archive_file", first.seal().archiveFile());
        assertThat(log.queries.search(TestReceiptLog.ADMIN, null, null, null, null, null, null, 5).receipts())
                .extracting(AuditRepository.ReceiptRow::logIndex).startsWith(30L, 31L);
        assertThat(log.queries.receipt(TestReceiptLog.ADMIN, ids.get(44)).archive().archiveFile())
                .isEqualTo(second.seal().archiveFile());
        KmsException again = catchThrowableOfType(KmsException.class,
                () -> later.delete(first.seal().archiveFile(), TestReceiptLog.OPERATOR));
        assertThat(again.httpStatus()).isEqualTo(409);
    }

    @Test
    void aTenantChangedInTheArchiveIndexIsReportedAndTheOwnersSearchIsNeverSilentlyShort() throws Exception {
        log.sealer.seal(AuditSealer.Bound.parse("55"), archives, TestReceiptLog.OPERATOR);
        LogIntegrity integrity = new LogIntegrity();
        ArchivedReceipts archived = new ArchivedReceipts(log.repository, log.index, log.archives, integrity);
        AuditQueries queries = new AuditQueries(log.repository, log.heads, archived, integrity);
        // read once in this process: the archive is hashed and its index rows compared, all intact
        assertThat(queries.search(TENANT_B, null, null, null, null, null, null, 100).receipts()).hasSize(10);
        assertThat(integrity.breach()).isEmpty();

        // receipt 45 is tenant-b's: its index row now says tenant-a (direct database access)
        tamper("UPDATE kms_audit_archived_receipts SET tenant_id = 'tenant-a' WHERE log_index = 45");

        // a process starting now compares the rows when it first reads the archive: refused (503), not short
        LogIntegrity freshIntegrity = new LogIntegrity();
        AuditQueries fresh = new AuditQueries(log.repository, log.heads,
                new ArchivedReceipts(log.repository, log.index, log.archives, freshIntegrity), freshIntegrity);
        KmsException refused = catchThrowableOfType(KmsException.class,
                () -> fresh.search(TENANT_B, null, null, null, null, null, null, 100));
        assertThat(refused.httpStatus()).isEqualTo(503);
        assertThat(refused.details()).containsEntry("integrity", "failed");
        assertThat(refused.getMessage()).contains("the index row of receipt 45 says tenant_id tenant-a, the signed"
                + " receipt says tenant-b");
        assertThat(freshIntegrity.breach()).hasValueSatisfying(b -> assertThat(b.firstBadIndex()).isEqualTo(45));
        assertThat(catchThrowableOfType(IllegalStateException.class, freshIntegrity::check)).as("health").isNotNull();
        // every archived read of that process says so, including by id and the admin's search
        assertThat(catchThrowableOfType(KmsException.class, () -> fresh.receipt(TENANT_B, ids.get(44))).httpStatus())
                .isEqualTo(503);
        assertThat(catchThrowableOfType(KmsException.class,
                () -> fresh.search(TestReceiptLog.ADMIN, null, null, null, null, null, null, 100)).httpStatus()).isEqualTo(503);

        // the running process, which had checked the rows before the change, finds it in its background self-check
        AuditSelfCheck check = new AuditSelfCheck(log.repository, ReceiptKeyring.of(List.of(new ReceiptKeyring.ReceiptKey(
                TestReceiptLog.KEY_ID, TestReceiptLog.receiptPublicKey().getEncoded(), null, null, "active"))),
                TestReceiptLog.CRYPTO, Checkpoint.none(), integrity, Clock.systemUTC());
        check.checkArchiveIndex(archived);
        AuditSelfCheck.Outcome outcome = check.run();
        assertThat(outcome.ok()).isFalse();
        assertThat(outcome.breach().firstBadIndex()).isEqualTo(45);
        assertThat(outcome.breach().reason()).contains("says tenant_id tenant-a, the signed receipt says tenant-b");
        assertThat(integrity.breach()).isPresent();
        KmsException afterSweep = catchThrowableOfType(KmsException.class,
                () -> queries.search(TENANT_B, null, null, null, null, null, null, 100));
        assertThat(afterSweep.httpStatus()).isEqualTo(503);
        assertThat(afterSweep.getMessage()).contains("receipt 45");
    }

    @Test
    void aDeletedArchiveIndexRowIsReported() throws Exception {
        log.sealer.seal(AuditSealer.Bound.parse("55"), archives, TestReceiptLog.OPERATOR);
        tamper("DELETE FROM kms_audit_archived_receipts WHERE log_index = 47");
        LogIntegrity integrity = new LogIntegrity();
        AuditQueries queries = new AuditQueries(log.repository, log.heads,
                new ArchivedReceipts(log.repository, log.index, log.archives, integrity), integrity);

        KmsException refused = catchThrowableOfType(KmsException.class,
                () -> queries.search(TENANT_B, null, null, null, null, null, null, 100));

        assertThat(refused.httpStatus()).isEqualTo(503);
        assertThat(refused.getMessage()).contains("receipt 47 has no index row");
        assertThat(integrity.breach()).hasValueSatisfying(b -> assertThat(b.firstBadIndex()).isEqualTo(47));
    }

    private void tamper(String sql) throws Exception {
        try (java.sql.Connection c = database.dataSource().getConnection();
             java.sql.Statement st = c.createStatement()) {
            if (!c.getAutoCommit()) {
                assertThat(st.executeUpdate(sql)).isOne();
                c.commit();
            } else {
                assertThat(st.executeUpdate(sql)).isOne();
            }
        }
    }

    private AuditRetention retention(Clock clock) {
        return new AuditRetention(log.repository, log.index, log.archives, log.trail, Period.ofYears(7), clock);
    }

    private static void assertProofVerifies(AuditQueries.ReceiptProof proof) {
        List<byte[]> hashes = proof.inclusionProof().stream().map(HexFormat.of()::parseHex).toList();
        assertThat(MerkleTree.verifyInclusion(TestReceiptLog.leafHash(proof.receipt().json()), proof.receipt().logIndex(),
                proof.treeHead().treeSize(), hashes, HexFormat.of().parseHex(proof.treeHead().rootHashHex())))
                .as("inclusion of %d in %d", proof.receipt().logIndex(), proof.treeHead().treeSize()).isTrue();
    }

    private static ReceiptDraft tenantB(int i, Instant ts) {
        return new ReceiptDraft(RandomIds.uuid7(Clock.fixed(ts, ZoneOffset.UTC)), ts, "tenant-b", "dev", "tenant",
                "signature_created", "sign", "key-" + i, "EdDSA", 256, true, null, TENANT_B, "sha256:" + "00".repeat(32));
    }
}
