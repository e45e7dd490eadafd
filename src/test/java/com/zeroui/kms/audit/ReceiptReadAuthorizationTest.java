package com.zeroui.kms.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zeroui.kms.auth.CallerIdentity;
import com.zeroui.kms.error.KmsException;
import com.zeroui.kms.store.Database;
import com.zeroui.kms.support.PostgresDatabases;
import com.zeroui.kms.support.TestNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Who may read a receipt — by id and in a search — is decided by the tenant the receipt signs, not
 * by the unsigned {@code kms_audit_receipts.tenant_id} column: changing the column (directly in
 * SQLite and PostgreSQL) neither hides a receipt from its tenant nor shows it to another one, and
 * the change is detected: by the read that meets it, and by the self-check's sweep over receipts it
 * had already verified.
 */
class ReceiptReadAuthorizationTest {
    static final CallerIdentity TENANT_A = new CallerIdentity("M21", "tenant-a", Set.of(),
            "spiffe://zeroui.local/tenant/tenant-a/module/M21");
    static final CallerIdentity TENANT_B = new CallerIdentity("M22", "tenant-b", Set.of(),
            "spiffe://zeroui.local/tenant/tenant-b/module/M22");
    static final Instant T0 = Instant.parse("2026-02-01T00:00:00Z");

    Path dir;
    PostgresDatabases.TempDatabase pg;
    Database db;
    TestReceiptLog log;
    LogIntegrity integrity = new LogIntegrity();
    AuditQueries queries;

    void open(String backend) throws Exception {
        if (backend.equals("postgresql")) {
            pg = PostgresDatabases.create("ReceiptReadAuthorization");
            db = Database.open(pg.url(), pg.user(), pg.password());
        } else {
            dir = Files.createTempDirectory("kms-receipt-read-");
            db = Database.open("jdbc:sqlite:" + dir.resolve("kms.db"), null, null);
        }
        log = new TestReceiptLog(db);
        queries = new AuditQueries(log.repository, log.heads, null, integrity);
    }

    @AfterEach
    void close() {
        if (log != null) {
            log.close();
        }
        if (db != null) {
            db.close();
        }
        if (pg != null) {
            pg.close();
        }
        if (dir != null) {
            TestNode.deleteTree(dir);
        }
    }

    /** Runs statements on a connection of its own, as someone with database access would. */
    private void tamper(String sql, String... args) throws SQLException {
        try (Connection c = pg != null ? pg.connect() : DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("kms.db"));
             PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setString(i + 1, args[i]);
            }
            assertThat(ps.executeUpdate()).isOne();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void changingTheTenantColumnNeitherHidesNorExposesAReceiptAndIsReported(String backend) throws Exception {
        open(backend);
        List<String> ids = log.append(3, T0); // signed for tenant-a
        String moved = ids.get(1);
        tamper("UPDATE kms_audit_receipts SET tenant_id = 'tenant-b' WHERE receipt_id = ?", moved);

        // the search finds it for its own tenant (before: selected by the column, it was missing) ...
        assertThat(queries.search(TENANT_A, null, null, null, null, null, null, null).receipts())
                .extracting(AuditRepository.ReceiptRow::receiptId).containsExactlyElementsOf(ids);
        assertThat(queries.search(TestReceiptLog.ADMIN, "tenant-a", null, null, null, null, null, null).receipts())
                .extracting(AuditRepository.ReceiptRow::receiptId).containsExactlyElementsOf(ids);
        // ... and for no other one, nor for an admin asking for the column's tenant
        assertThat(queries.search(TENANT_B, null, null, null, null, null, null, null).receipts()).isEmpty();
        assertThat(queries.search(TestReceiptLog.ADMIN, "tenant-b", null, null, null, null, null, null).receipts()).isEmpty();
        assertThat(queries.receipt(TENANT_A, moved).receipt().receiptId()).isEqualTo(moved);
        assertThatThrownBy(() -> queries.receipt(TENANT_B, moved))
                .isInstanceOfSatisfying(KmsException.class, e -> assertThat(e.httpStatus()).isEqualTo(404));

        // the read that met the changed row reported it: health unhealthy, no more receipts
        assertThat(integrity.breach()).hasValueSatisfying(b -> {
            assertThat(b.firstBadIndex()).isEqualTo(1);
            assertThat(b.reason()).contains("column tenant_id differs from what the receipt signs");
        });
        assertThatThrownBy(integrity::requireIntact).isInstanceOf(KmsException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void theSelfCheckFindsAColumnChangedAfterItVerifiedTheReceipt(String backend) throws Exception {
        open(backend);
        log.append(5, T0);
        LogIntegrity checked = new LogIntegrity();
        AuditSelfCheck check = new AuditSelfCheck(log.repository, ReceiptKeyring.of(List.of(new ReceiptKeyring.ReceiptKey(
                TestReceiptLog.KEY_ID, TestReceiptLog.receiptPublicKey().getEncoded(), null, null, "active"))),
                TestReceiptLog.CRYPTO, Checkpoint.none(), checked, Clock.systemUTC());
        assertThat(check.run().ok()).isTrue();

        tamper("UPDATE kms_audit_receipts SET tenant_id = 'tenant-b' WHERE log_index = 3");
        AuditSelfCheck.Outcome outcome = check.run();
        assertThat(outcome.breach()).isNotNull();
        assertThat(outcome.breach().firstBadIndex()).isEqualTo(3);
        assertThat(outcome.breach().reason()).isEqualTo("receipt 3: column tenant_id says tenant-b, the signed receipt"
                + " says tenant-a (changed after it was verified)");
        assertThat(checked.breach()).isPresent();
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aChangedOperationOrKeyColumnDoesNotShowAReceiptUnderWhatItDoesNotSign(String backend) throws Exception {
        open(backend);
        List<String> ids = log.append(4, T0); // key-0..key-3, signature_created / signature_verified
        tamper("UPDATE kms_audit_receipts SET operation = 'decrypt', key_id = 'key-9' WHERE receipt_id = ?", ids.get(2));
        assertThat(queries.search(TENANT_A, null, null, "decrypt", null, null, null, null).receipts()).isEmpty();
        assertThat(queries.search(TENANT_A, null, "key-9", null, null, null, null, null).receipts()).isEmpty();
        assertThat(integrity.breach()).hasValueSatisfying(b -> assertThat(b.firstBadIndex()).isEqualTo(2));
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aRowWhoseIdColumnWasChangedIsNotAnsweredForTheNewId(String backend) throws Exception {
        open(backend);
        List<String> ids = log.append(2, T0);
        String other = "019c0000-0000-7000-8000-000000000000";
        tamper("UPDATE kms_audit_receipts SET receipt_id = ? WHERE receipt_id = ?", other, ids.get(0));
        assertThatThrownBy(() -> queries.receipt(TENANT_A, other))
                .isInstanceOfSatisfying(KmsException.class, e -> assertThat(e.httpStatus()).isEqualTo(404));
        assertThat(integrity.breach()).hasValueSatisfying(b -> assertThat(b.reason()).contains("column receipt_id"));
    }
}
