package com.zeroui.kms.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zeroui.kms.auth.CallerIdentity;
import com.zeroui.kms.error.KmsException;
import com.zeroui.kms.store.Database;
import com.zeroui.kms.support.TestNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Who may read a receipt is decided by the tenant the receipt signs, not by the unsigned
 * {@code kms_audit_receipts.tenant_id} column: changing the column neither hides a receipt from its
 * tenant nor shows it to another one.
 */
class ReceiptReadAuthorizationTest {
    static final CallerIdentity TENANT_A = new CallerIdentity("M21", "tenant-a", Set.of(),
            "spiffe://zeroui.local/tenant/tenant-a/module/M21");
    static final CallerIdentity TENANT_B = new CallerIdentity("M22", "tenant-b", Set.of(),
            "spiffe://zeroui.local/tenant/tenant-b/module/M22");

    Path dir;
    Database db;
    TestReceiptLog log;

    @BeforeEach
    void open() throws Exception {
        dir = Files.createTempDirectory("kms-receipt-read-");
        db = Database.open("jdbc:sqlite:" + dir.resolve("kms.db"), null, null);
        log = new TestReceiptLog(db);
    }

    @AfterEach
    void close() {
        log.close();
        db.close();
        TestNode.deleteTree(dir);
    }

    @Test
    void changingTheTenantColumnNeitherHidesNorExposesAReceipt() throws Exception {
        List<String> ids = log.append(3, Instant.parse("2026-02-01T00:00:00Z")); // signed for tenant-a
        String moved = ids.get(1);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("kms.db"));
             PreparedStatement ps = c.prepareStatement("UPDATE kms_audit_receipts SET tenant_id = 'tenant-b' WHERE receipt_id = ?")) {
            ps.setString(1, moved);
            assertThat(ps.executeUpdate()).isOne();
        }

        assertThat(log.queries.receipt(TENANT_A, moved).receipt().receiptId()).isEqualTo(moved);
        assertThatThrownBy(() -> log.queries.receipt(TENANT_B, moved))
                .isInstanceOfSatisfying(KmsException.class, e -> assertThat(e.httpStatus()).isEqualTo(404));

        AuditQueries.Page seenByB = log.queries.search(TENANT_B, null, null, null, null, null, null, null);
        assertThat(seenByB.receipts()).as("tenant-b's search matches the moved row, but it is tenant-a's").isEmpty();
    }

    @Test
    void aRowWhoseIdColumnWasChangedIsNotAnsweredForTheNewId() throws Exception {
        List<String> ids = log.append(2, Instant.parse("2026-02-01T00:00:00Z"));
        String other = "019c0000-0000-7000-8000-000000000000";
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("kms.db"));
             PreparedStatement ps = c.prepareStatement("UPDATE kms_audit_receipts SET receipt_id = ? WHERE receipt_id = ?")) {
            ps.setString(1, other);
            ps.setString(2, ids.get(0));
            assertThat(ps.executeUpdate()).isOne();
        }
        assertThatThrownBy(() -> log.queries.receipt(TENANT_A, other))
                .isInstanceOfSatisfying(KmsException.class, e -> assertThat(e.httpStatus()).isEqualTo(404));
    }
}
