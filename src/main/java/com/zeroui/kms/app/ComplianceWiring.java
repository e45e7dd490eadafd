package com.zeroui.kms.app;

import com.zeroui.kms.compliance.ComplianceService;
import com.zeroui.kms.crypto.CryptoSuite;
import com.zeroui.kms.ops.HealthService;
import com.zeroui.kms.ops.KmsConfig;
import com.zeroui.kms.ops.Metrics;
import com.zeroui.kms.store.JdbcAuditRepository;
import com.zeroui.kms.store.JdbcCertificateStore;
import com.zeroui.kms.store.JdbcKeyRepository;
import java.time.Clock;
import java.util.List;

/** Compliance wiring: the service, with the standard checks plus those over this node's store. */
final class ComplianceWiring {
    private ComplianceWiring() {
    }

    /** The compliance service over the node's health, effective configuration and store, with its gauges. */
    static ComplianceService start(KmsConfig config, Clock clock, CryptoSuite crypto, DataDirectory data, KeysWiring keys,
                                   AuditWiring audit, LifecycleWiring policy, JdbcCertificateStore certificates,
                                   HealthService health, Metrics metrics) {
        ComplianceService compliance = new ComplianceService(health::check,
                EffectiveConfig.of(config, crypto, keys.budget(), data.masterKey()),
                checks(keys.stored(), audit.repository(), data, policy.lifecycle().settings().rotationScheduleDays(),
                        certificates::countExpiring), clock, ComplianceService.DEFAULT_TTL);
        metrics.registerComplianceChecks(compliance::gauges);
        return compliance;
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
