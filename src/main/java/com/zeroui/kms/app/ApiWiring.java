package com.zeroui.kms.app;

import com.zeroui.kms.api.ApiServices;
import com.zeroui.kms.audit.AuditQueries;
import com.zeroui.kms.audit.AuditTrail;
import com.zeroui.kms.auth.ConsoleSessions;
import com.zeroui.kms.compliance.ComplianceService;
import com.zeroui.kms.crypto.CryptoSuite;
import com.zeroui.kms.events.EventFeed;
import com.zeroui.kms.keys.DerivationService;
import com.zeroui.kms.keys.EncryptionService;
import com.zeroui.kms.keys.EnvelopeService;
import com.zeroui.kms.keys.KeyImportService;
import com.zeroui.kms.keys.KeyOperations;
import com.zeroui.kms.keys.RandomService;
import com.zeroui.kms.keys.ServiceKeyPurpose;
import com.zeroui.kms.keys.SigningService;
import com.zeroui.kms.ops.HealthService;
import com.zeroui.kms.ops.KmsConfig;
import com.zeroui.kms.ops.Metrics;
import com.zeroui.kms.store.JdbcCertificateStore;
import com.zeroui.kms.store.JdbcEventOutbox;
import com.zeroui.kms.store.JdbcImportParams;
import com.zeroui.kms.store.JdbcUsageCounter;
import com.zeroui.kms.trust.anchors.TrustAnchorService;
import com.zeroui.kms.trust.pki.Pki;
import java.time.Clock;

/** API wiring: the services the HTTP layer serves, built over what the earlier steps wired. */
final class ApiWiring {
    private ApiWiring() {
    }

    /** The services already built at start-up, and what the rest are built from. */
    record Parts(KeysWiring keys, AuditWiring audit, LifecycleWiring policy, AuditArchiveWiring archive,
                 JdbcEventOutbox outbox, HealthService health, Metrics metrics, KeyServicesWiring keyServices, Pki pki,
                 TrustAnchorService trustAnchors, JdbcCertificateStore certificateStore, ComplianceService compliance) {
    }

    static ApiServices services(KmsConfig config, Clock clock, CryptoSuite crypto, DataDirectory data, Parts p) {
        var keys = p.keys().keys();
        var material = p.keys().material();
        var budget = p.keys().budget();
        ServiceKeyDirectory serviceKeyChains = p.keys().serviceKeyChains();
        AuditTrail trail = p.audit().trail();
        var usage = p.policy().usage();
        var approvalGate = p.policy().approvalGate();
        EncryptionService encryption = new EncryptionService(keys, material, crypto, budget, trail, clock, usage);
        KeyOperations operations = new KeyOperations(keys, material, crypto, trail, clock, usage);
        return new ApiServices(p.keyServices().keyManagement(),
                new SigningService(keys, material, crypto, trail, clock, usage),
                encryption,
                new AuditQueries(p.audit().repository(), p.audit().heads(), p.archive().archived(), p.audit().integrity()),
                serviceKeyChains::listing,
                () -> serviceKeyChains.listing(ServiceKeyPurpose.RECEIPT),
                p.health(), p.metrics(), EffectiveConfig.of(config, crypto, budget, data.masterKey()),
                config.identities(), new EventFeed(p.outbox()),
                p.keyServices().publicKeys(), p.keyServices().tokens(), p.policy().lifecycle(), p.policy().approvals(),
                PkiWiring.validation(config, crypto, data, trail, clock, p.pki(), p.trustAnchors(), p.certificateStore()),
                p.pki(), p.trustAnchors(), clock, new ConsoleSessions(clock, KmsNode.CONSOLE_LINK_TTL,
                KmsNode.CONSOLE_IDLE_TIMEOUT, KmsNode.CONSOLE_MAX_LIFETIME),
                new JdbcUsageCounter(data.database())::reserved, p.compliance(),
                new RandomService(crypto, trail, usage),
                new DerivationService(operations, keys, material, crypto, trail, clock, usage, approvalGate,
                        config.maxUsagePerDayDefault(), data.masterKey().keyId()),
                new EnvelopeService(operations, keys, crypto, budget, encryption),
                p.archive().retention(),
                new KeyImportService(new JdbcImportParams(data.database()), keys,
                        material, crypto, trail, clock, approvalGate, config.maxUsagePerDayDefault(),
                        data.masterKey().keyId()),
                operations);
    }
}
