package com.zeroui.kms.app;

import com.zeroui.kms.audit.AuditLog;
import com.zeroui.kms.audit.AuditSelfCheck;
import com.zeroui.kms.audit.AuditTrail;
import com.zeroui.kms.audit.Checkpoint;
import com.zeroui.kms.audit.LogIntegrity;
import com.zeroui.kms.audit.TreeHeads;
import com.zeroui.kms.audit.WrittenReceipts;
import com.zeroui.kms.crypto.CryptoSuite;
import com.zeroui.kms.events.Events;
import com.zeroui.kms.ops.KmsConfig;
import com.zeroui.kms.store.JdbcAuditRepository;
import java.time.Clock;

/**
 * Audit wiring: the stored log is self-checked before the group-commit log is opened on it, then
 * the trail every service writes through and the tree-head signer.
 */
record AuditWiring(JdbcAuditRepository repository, LogIntegrity integrity, AuditSelfCheck selfCheck, AuditLog log,
                   AuditTrail trail, TreeHeads heads) {

    static AuditWiring start(KmsConfig config, DataDirectory data, CryptoSuite crypto, Clock clock,
                             RotatingReceiptKey receiptKey, Events events) {
        JdbcAuditRepository auditRepository = new JdbcAuditRepository(data.database());
        LogIntegrity integrity = new LogIntegrity();
        AuditSelfCheck selfCheck = new AuditSelfCheck(auditRepository, receiptKey, crypto,
                Checkpoint.file(config.dataDir().resolve(Checkpoint.FILE_NAME)), integrity, clock);
        selfCheck.run(); // before anything is appended: a log cut back while the node was down is not extended
        AuditLog auditLog = new AuditLog(auditRepository, receiptKey, KmsNode.AUDIT_WINDOW, KmsNode.AUDIT_MAX_BATCH,
                KmsNode.AUDIT_TIMEOUT, integrity);
        try {
            // receipts this node signed are confirmed by digest in its self-check, not re-verified (ADR 0028)
            WrittenReceipts written = new WrittenReceipts();
            auditLog.rememberIn(written);
            selfCheck.trust(written);
            AuditTrail trail = new AuditTrail(auditLog, clock, events);
            TreeHeads heads = new TreeHeads(auditRepository, receiptKey, clock, integrity, events);
            return new AuditWiring(auditRepository, integrity, selfCheck, auditLog, trail, heads);
        } catch (RuntimeException e) {
            auditLog.close(); // the caller only learns of the log through the result
            throw e;
        }
    }
}
