package com.zeroui.kms.app;

import com.zeroui.kms.audit.ArchivedReceipts;
import com.zeroui.kms.audit.AuditRetention;
import com.zeroui.kms.audit.LocalArchiveStore;
import com.zeroui.kms.ops.KmsConfig;
import com.zeroui.kms.store.JdbcArchiveIndex;
import java.time.Clock;

/**
 * Audit archive wiring: receipts moved out of the live log stay readable and verifiable; the
 * archive index is checked against the stored log once here, at start-up.
 */
record AuditArchiveWiring(ArchivedReceipts archived, AuditRetention retention) {

    static AuditArchiveWiring start(KmsConfig config, DataDirectory data, AuditWiring audit, Clock clock) {
        LocalArchiveStore archiveStore = new LocalArchiveStore(config.lifecycle().archiveDir(config.dataDir()));
        JdbcArchiveIndex archiveIndex = new JdbcArchiveIndex(data.database());
        ArchivedReceipts archived = new ArchivedReceipts(audit.repository(), archiveIndex, archiveStore, audit.integrity());
        audit.selfCheck().checkArchiveIndex(archived);
        AuditRetention retention = new AuditRetention(audit.repository(), archiveIndex, archiveStore, audit.trail(),
                config.lifecycle().auditRetention(), clock);
        return new AuditArchiveWiring(archived, retention);
    }
}
