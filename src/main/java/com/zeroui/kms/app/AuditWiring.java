package com.zeroui.kms.app;

import com.zeroui.kms.audit.AuditLog;
import com.zeroui.kms.audit.AuditSelfCheck;
import com.zeroui.kms.audit.AuditTrail;
import com.zeroui.kms.audit.Checkpoint;
import com.zeroui.kms.audit.LogIntegrity;
import com.zeroui.kms.audit.ReceiptForwarder;
import com.zeroui.kms.audit.TreeHeads;
import com.zeroui.kms.audit.WebhookReceiptSink;
import com.zeroui.kms.audit.WrittenReceipts;
import com.zeroui.kms.crypto.CryptoSuite;
import com.zeroui.kms.events.Events;
import com.zeroui.kms.ops.HealthService;
import com.zeroui.kms.ops.KmsConfig;
import com.zeroui.kms.ops.Metrics;
import com.zeroui.kms.store.JdbcAuditRepository;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Audit wiring: the stored log is self-checked before the group-commit log is opened on it, then
 * the trail every service writes through and the tree-head signer; receipts can also be forwarded
 * to a webhook.
 */
record AuditWiring(JdbcAuditRepository repository, LogIntegrity integrity, AuditSelfCheck selfCheck, AuditLog log,
                   AuditTrail trail, TreeHeads heads) {

    private static final Logger LOG = LoggerFactory.getLogger(KmsNode.class); // same log category as before the split

    /** Opens the audit log; it, its periodic self-check and (on a stop) a final self-check are registered in {@code started}. */
    static AuditWiring start(KmsConfig config, DataDirectory data, CryptoSuite crypto, Clock clock,
                             RotatingReceiptKey receiptKey, Events events, StartedResources started) {
        JdbcAuditRepository auditRepository = new JdbcAuditRepository(data.database());
        LogIntegrity integrity = new LogIntegrity();
        AuditSelfCheck selfCheck = new AuditSelfCheck(auditRepository, receiptKey, crypto,
                Checkpoint.file(config.dataDir().resolve(Checkpoint.FILE_NAME)), integrity, clock);
        selfCheck.run(); // before anything is appended: a log cut back while the node was down is not extended
        // on a stop, once the log is closed: the checkpoint then covers every receipt this node wrote, the next start checks little
        started.onStop("final audit self-check", () -> finalSelfCheck(selfCheck));
        AuditLog auditLog = started.add("audit log", new AuditLog(auditRepository, receiptKey, KmsNode.AUDIT_WINDOW,
                KmsNode.AUDIT_MAX_BATCH, KmsNode.AUDIT_TIMEOUT, integrity));
        // receipts this node signed are confirmed by digest in its self-check, not re-verified (ADR 0028)
        WrittenReceipts written = new WrittenReceipts();
        auditLog.rememberIn(written);
        selfCheck.trust(written);
        AuditTrail trail = new AuditTrail(auditLog, clock, events);
        TreeHeads heads = new TreeHeads(auditRepository, receiptKey, clock, integrity, events);
        started.add("audit self-check runs", selfCheck.schedule(KmsNode.AUDIT_SELF_CHECK_INTERVAL));
        return new AuditWiring(auditRepository, integrity, selfCheck, auditLog, trail, heads);
    }

    /** With a receipt webhook configured, every stored receipt is also forwarded there. */
    void forwardReceipts(KmsConfig config, List<HealthService.NamedCheck> checks, Metrics metrics, StartedResources started) {
        if (config.receiptWebhookUrl() == null) {
            return;
        }
        ReceiptForwarder forwarder = started.add("receipt forwarder",
                new ReceiptForwarder(repository, new WebhookReceiptSink(config.receiptWebhookUrl())));
        // a lagging sink degrades health but never stops operations: the log keeps everything
        checks.add(new HealthService.NamedCheck("receipt_sink:" + forwarder.sinkName(), false, forwarder::check));
        metrics.registerReceiptSink(forwarder.sinkName(), forwarder::lag);
    }

    private static void finalSelfCheck(AuditSelfCheck selfCheck) {
        try {
            selfCheck.run();
        } catch (RuntimeException e) {
            LOG.warn("final audit self-check could not run: {}", e.getMessage());
        }
    }
}
