package com.zeroui.kms.app;

import com.zeroui.kms.store.JdbcAuditRepository;
import com.zeroui.kms.store.JdbcKeyRepository;
import java.util.List;

/** Compliance wiring: the standard checks plus those over this node's store. */
final class ComplianceWiring {
    private ComplianceWiring() {
    }

    static List<com.zeroui.kms.compliance.ComplianceCheck> checks(JdbcKeyRepository keys,
            JdbcAuditRepository audit, DataDirectory data, int rotationScheduleDays,
            com.zeroui.kms.compliance.CertificateExpiryCheck.ExpiringCount expiringCertificates) {
        List<com.zeroui.kms.compliance.ComplianceCheck> checks =
                new java.util.ArrayList<>(com.zeroui.kms.compliance.ComplianceService.standardChecks());
        checks.add(new com.zeroui.kms.compliance.KeyInventoryCheck(keys,
                new com.zeroui.kms.store.JdbcUnrestrictedKeys(data.database()), rotationScheduleDays));
        // heads are signed every KmsNode.TREE_HEAD_INTERVAL: unsigned receipts older than a few intervals mean signing stopped
        checks.add(new com.zeroui.kms.compliance.TreeHeadCheck(audit, KmsNode.TREE_HEAD_INTERVAL.multipliedBy(6)));
        checks.add(new com.zeroui.kms.compliance.CertificateExpiryCheck(expiringCertificates,
                com.zeroui.kms.compliance.CertificateExpiryCheck.WINDOW));
        return checks;
    }
}
