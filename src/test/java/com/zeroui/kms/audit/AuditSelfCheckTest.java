package com.zeroui.kms.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zeroui.kms.error.ErrorCode;
import com.zeroui.kms.error.KmsException;
import com.zeroui.kms.store.Database;
import com.zeroui.kms.support.TestNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The server's self-check over a real SQLite log, attacked the way issue 11 describes: the tail of
 * the receipts deleted together with the tree heads above it, the head row and the subtree hashes
 * fixed up so that the rest is consistent. Each attack must be found, naming the first bad index,
 * and a broken log must refuse receipts (503, not retryable) and new tree heads.
 */
class AuditSelfCheckTest {
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    static final ReceiptKeyring KEYRING = ReceiptKeyring.of(List.of(new ReceiptKeyring.ReceiptKey(TestReceiptLog.KEY_ID,
            TestReceiptLog.receiptPublicKey().getEncoded(), null, null, "active")));

    Path dir;
    Database db;
    TestReceiptLog log;
    Checkpoint.Store checkpoints;

    @BeforeEach
    void open() throws Exception {
        dir = Files.createTempDirectory("kms-self-check-");
        db = Database.open(url(), null, null);
        log = new TestReceiptLog(db);
        checkpoints = Checkpoint.file(dir.resolve(Checkpoint.FILE_NAME));
    }

    @AfterEach
    void close() {
        log.close();
        db.close();
        TestNode.deleteTree(dir);
    }

    private String url() {
        return "jdbc:sqlite:" + dir.resolve("kms.db");
    }

    private AuditSelfCheck selfCheck(LogIntegrity integrity) {
        return new AuditSelfCheck(log.repository, KEYRING, TestReceiptLog.CRYPTO, checkpoints, integrity, Clock.systemUTC());
    }

    @Test
    void anUntouchedLogVerifiesIncrementallyAndKeepsACheckpointOutsideTheDatabase() {
        log.append(20, T0);
        log.heads.latest();
        log.append(13, T0.plusSeconds(100));
        log.heads.latest();
        AuditSelfCheck check = selfCheck(new LogIntegrity());

        AuditSelfCheck.Outcome first = check.run();
        assertThat(first.ok()).as(String.valueOf(first.breach())).isTrue();
        assertThat(first.verifiedSize()).isEqualTo(33);
        assertThat(first.receiptsChecked()).isEqualTo(33);
        assertThat(first.treeHeadsChecked()).isEqualTo(2);
        assertThat(checkpoints.load()).get().extracting(Checkpoint::treeSize).isEqualTo(33L);

        log.append(5, T0.plusSeconds(200));
        AuditSelfCheck.Outcome second = check.run();
        assertThat(second.ok()).isTrue();
        assertThat(second.receiptsChecked()).as("only what is new since the last run").isEqualTo(5);

        // a restarted node continues from the checkpoint, not from index 0
        AuditSelfCheck.Outcome restarted = selfCheck(new LogIntegrity()).run();
        assertThat(restarted.ok()).isTrue();
        assertThat(restarted.receiptsChecked()).isZero();
        assertThat(restarted.verifiedSize()).isEqualTo(38);
    }

    @Test
    void truncationWithHeadsAndSubtreeHashesFixedUpIsFoundAtRestartNamingTheFirstMissingIndex() throws Exception {
        log.append(40, T0);
        log.heads.latest();
        assertThat(selfCheck(new LogIntegrity()).run().ok()).isTrue();

        truncate(25);

        LogIntegrity integrity = new LogIntegrity();
        AuditSelfCheck.Outcome outcome = selfCheck(integrity).run();
        assertThat(outcome.ok()).isFalse();
        assertThat(outcome.breach().firstBadIndex()).isEqualTo(25);
        assertThat(outcome.breach().reason()).contains("holds 25 receipts, but 40 were verified");
        assertThatThrownBy(integrity::check).hasMessageContaining("from log index 25");
    }

    @Test
    void truncationWhileRunningIsFoundByTheNextRunAndStopsReceiptsAndTreeHeads() throws Exception {
        LogIntegrity integrity = new LogIntegrity();
        AuditLog gated = new AuditLog(log.repository, signer(), Duration.ofMillis(1), 8, Duration.ofSeconds(10), integrity);
        TreeHeads heads = new TreeHeads(log.repository, signer(), Clock.systemUTC(), integrity,
                com.zeroui.kms.events.Events.none(Clock.systemUTC()));
        try {
            for (int i = 0; i < 30; i++) {
                gated.append(TestReceiptLog.draft(i, T0.plusSeconds(i)));
            }
            heads.latest();
            AuditSelfCheck check = selfCheck(integrity);
            assertThat(check.run().ok()).isTrue();

            truncate(17);
            AuditSelfCheck.Outcome outcome = check.run();
            assertThat(outcome.breach().firstBadIndex()).isEqualTo(17);

            assertThatThrownBy(() -> gated.append(TestReceiptLog.draft(99, T0.plusSeconds(99))))
                    .isInstanceOfSatisfying(KmsException.class, e -> {
                        assertThat(e.httpStatus()).isEqualTo(503);
                        assertThat(e.code()).isEqualTo(ErrorCode.DEPENDENCY_UNAVAILABLE);
                        assertThat(e.retryable()).isFalse();
                        assertThat(e.details()).containsEntry("first_bad_index", 17L);
                    });
            // the tail an honest node appends later must not be signed as if it continued the published log
            log.append(20, T0.plusSeconds(300));
            assertThatThrownBy(heads::latest).isInstanceOf(KmsException.class);
            assertThat(log.repository.latestTreeHead()).as("the attack removed the head at 30; none was signed since").isEmpty();
        } finally {
            gated.close();
        }
    }

    @Test
    void truncationThenRegrowthPastTheCheckpointIsFoundByTheChangedSubtree() throws Exception {
        log.append(40, T0);
        assertThat(selfCheck(new LogIntegrity()).run().ok()).isTrue();

        truncate(33);
        log.append(20, T0.plusSeconds(500)); // the log is longer than before, but forks at 33

        AuditSelfCheck.Outcome outcome = selfCheck(new LogIntegrity()).run();
        assertThat(outcome.ok()).isFalse();
        // 40 = 32 + 8: the verified subtree over 32..39 no longer matches
        assertThat(outcome.breach().firstBadIndex()).isEqualTo(32);
        assertThat(outcome.breach().reason()).contains("subtree over indices 32 to 39 differs");
    }

    @Test
    void aTreeHeadBeyondTheLogMeansItsTailWasRemoved() throws Exception {
        log.append(12, T0);
        log.heads.latest();
        sql("DELETE FROM kms_audit_receipts WHERE log_index >= 9", "UPDATE kms_audit_head SET tree_size = 9");
        AuditSelfCheck.Outcome outcome = selfCheck(new LogIntegrity()).run();
        assertThat(outcome.breach().firstBadIndex()).isEqualTo(9);
        assertThat(outcome.breach().reason()).contains("tree head signed over 12 receipts");
    }

    @Test
    void aColumnThatDisagreesWithTheSignedReceiptIsNamed() throws Exception {
        log.append(10, T0);
        sql("UPDATE kms_audit_receipts SET tenant_id = 'tenant-z' WHERE log_index = 6");
        AuditSelfCheck.Outcome outcome = selfCheck(new LogIntegrity()).run();
        assertThat(outcome.breach().firstBadIndex()).isEqualTo(6);
        assertThat(outcome.breach().reason()).contains("column tenant_id says tenant-z, the signed receipt says tenant-a");
    }

    @Test
    void aReceiptSignedByAKeyNotValidWhenItWasStampedIsRefused() {
        log.append(3, T0);
        ReceiptKeyring retiredBefore = ReceiptKeyring.of(List.of(new ReceiptKeyring.ReceiptKey(TestReceiptLog.KEY_ID,
                TestReceiptLog.receiptPublicKey().getEncoded(), T0.minusSeconds(3600), T0.plusSeconds(1), "retired")));
        AuditSelfCheck.Outcome outcome = new AuditSelfCheck(log.repository, retiredBefore, TestReceiptLog.CRYPTO,
                Checkpoint.none(), new LogIntegrity(), Clock.systemUTC()).run();
        assertThat(outcome.breach().firstBadIndex()).isEqualTo(2);
        assertThat(outcome.breach().reason()).contains("not valid at " + T0.plusSeconds(2));
    }

    @Test
    void receiptsThisProcessSignedAreConfirmedByDigestAndATamperedOneIsStillFound() throws Exception {
        LogIntegrity integrity = new LogIntegrity();
        AuditLog remembering = new AuditLog(log.repository, signer(), Duration.ofMillis(1), 8, Duration.ofSeconds(10), integrity);
        WrittenReceipts written = new WrittenReceipts();
        remembering.rememberIn(written);
        try {
            for (int i = 0; i < 12; i++) {
                remembering.append(TestReceiptLog.draft(i, T0.plusSeconds(i)));
            }
            AuditSelfCheck check = selfCheck(integrity);
            check.trust(written);
            AuditSelfCheck.Outcome clean = check.run();
            assertThat(clean.ok()).as(String.valueOf(clean.breach())).isTrue();
            assertThat(check.confirmedByDigest()).as("no signature verified again").isEqualTo(12);

            for (int i = 12; i < 20; i++) {
                remembering.append(TestReceiptLog.draft(i, T0.plusSeconds(i)));
            }
            sql("UPDATE kms_audit_receipts SET tenant_id = 'tenant-z' WHERE log_index = 15");
            AuditSelfCheck.Outcome tampered = check.run();
            assertThat(tampered.ok()).isFalse();
            assertThat(tampered.breach().firstBadIndex()).isEqualTo(15);
            assertThat(tampered.breach().reason()).contains("column tenant_id says tenant-z");
        } finally {
            remembering.close();
        }
    }

    /** The attack of issue 11: receipts from {@code keep} on, heads above it and subtrees reaching past it removed. */
    private void truncate(long keep) throws SQLException {
        sql("DELETE FROM kms_audit_receipts WHERE log_index >= " + keep,
                "DELETE FROM kms_audit_tree_heads WHERE tree_size > " + keep,
                "DELETE FROM kms_audit_nodes WHERE ((node_index + 1) << level) > " + keep,
                "UPDATE kms_audit_head SET tree_size = " + keep);
    }

    private void sql(String... statements) throws SQLException {
        try (Connection c = DriverManager.getConnection(url()); Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.executeUpdate(statement);
            }
        }
    }

    private static ReceiptSigner signer() {
        return ReceiptSigner.of(TestReceiptLog.KEY_ID, TestReceiptLog::sign);
    }
}
