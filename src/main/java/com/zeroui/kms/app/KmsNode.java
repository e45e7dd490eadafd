package com.zeroui.kms.app;

import com.zeroui.kms.api.ApiServices;
import com.zeroui.kms.auth.JwtAuthenticator;
import com.zeroui.kms.keys.Environment;
import com.zeroui.kms.keys.PublicKeys;
import com.zeroui.kms.audit.AuditLog;
import com.zeroui.kms.audit.AuditSelfCheck;
import com.zeroui.kms.audit.LogIntegrity;
import com.zeroui.kms.audit.AuditTrail;
import com.zeroui.kms.audit.ReceiptForwarder;
import com.zeroui.kms.audit.WebhookReceiptSink;
import com.zeroui.kms.audit.TreeHeads;
import com.zeroui.kms.crypto.KeyType;
import com.zeroui.kms.keys.ServiceKeyPurpose;
import com.zeroui.kms.approvals.ApprovalGate;
import com.zeroui.kms.approvals.ApprovalTokens;
import com.zeroui.kms.keys.DualAuthorization;
import com.zeroui.kms.store.JdbcAuditRepository;
import com.zeroui.kms.store.JdbcEventOutbox;
import com.zeroui.kms.events.EventRelay;
import com.zeroui.kms.events.Events;
import com.zeroui.kms.events.NatsEventSink;
import com.zeroui.kms.events.WebhookEventSink;
import java.time.Duration;
import java.util.EnumSet;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import com.zeroui.kms.api.HttpServer;
import com.zeroui.kms.crypto.CryptoSuite;
import com.zeroui.kms.crypto.FipsModule;
import com.zeroui.kms.keys.AeadInvocationBudget;
import com.zeroui.kms.keys.KeyLifecycleService;
import com.zeroui.kms.keys.KeyManagementService;
import com.zeroui.kms.keys.LifecycleScheduler;
import com.zeroui.kms.keys.KeyMaterialCache;
import com.zeroui.kms.ops.HealthService;
import com.zeroui.kms.ops.KmsConfig;
import com.zeroui.kms.ops.Metrics;
import com.zeroui.kms.store.JdbcKeyRepository;
import com.zeroui.kms.trust.InternalCa;
import com.zeroui.kms.store.JdbcCertificateStore;
import com.zeroui.kms.trust.pki.CaExpiryCheck;
import com.zeroui.kms.trust.pki.CertificateStore;
import com.zeroui.kms.trust.pki.OcspResponder;
import com.zeroui.kms.trust.pki.Pki;
import com.zeroui.kms.trust.anchors.TrustAnchorService;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One running KMS node: the composition root that wires storage, master key, crypto, services and
 * HTTP. A node keeps no state another node cannot rebuild from the database: its TLS server
 * certificate is minted from the internal CA at every start and held only in memory.
 */
public final class KmsNode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KmsNode.class);
    /** Operator console sign-in (docs/console.md): a login link is good for two minutes and once. */
    static final java.time.Duration CONSOLE_LINK_TTL = java.time.Duration.ofMinutes(2);
    static final java.time.Duration CONSOLE_IDLE_TIMEOUT = java.time.Duration.ofMinutes(15);
    static final java.time.Duration CONSOLE_MAX_LIFETIME = java.time.Duration.ofHours(8);
    /**
     * Group commit without a delay (as PostgreSQL's commit_delay = 0): the writer commits whatever is
     * queued as soon as it is free, and the receipts that arrive during one fsync form the next
     * batch. A fixed window added its whole length to every request's latency at any load (ADR 0037).
     */
    static final Duration AUDIT_WINDOW = Duration.ZERO;
    static final int AUDIT_MAX_BATCH = 512;
    static final Duration AUDIT_TIMEOUT = Duration.ofSeconds(10);
    static final Duration TREE_HEAD_INTERVAL = Duration.ofSeconds(10);
    /** How old kms_keys_total may be: the count is a scan of one index entry per key (100 ms at a million keys). */
    static final Duration KEY_COUNT_MAX_AGE = Duration.ofSeconds(30);
    /** How often the stored log is verified incrementally (and at start-up and shutdown). */
    static final Duration AUDIT_SELF_CHECK_INTERVAL = Duration.ofSeconds(30);
    /** How soon a revocation made through another node stops that certificate here. */
    static final Duration REVOCATION_REFRESH = Duration.ofSeconds(5);
    static final Duration RESPONDER_RENEWAL_CHECK = Duration.ofHours(1);

    public static final String RECEIPT_KEY_ALIAS = ServiceKeyPurpose.RECEIPT.alias();
    public static final String APPROVAL_KEY_ALIAS = ServiceKeyPurpose.APPROVAL.alias();
    public static final String TRUST_BUNDLE_KEY_ALIAS = ServiceKeyPurpose.TRUST_BUNDLE.alias();

    private final DataDirectory data;
    private final HttpServer http;
    private final CryptoSuite crypto;
    private final AuditLog auditLog;
    private final ScheduledExecutorService scheduler;
    private final ReceiptForwarder forwarder;

    private final List<EventRelay> relays;
    private final LifecycleScheduler lifecycle;
    private final AuditSelfCheck selfCheck;
    private final AutoCloseable selfCheckRuns;
    private final HealthService health;
    private com.zeroui.kms.backup.ScheduledBackups backups;

    private KmsNode(DataDirectory data, HttpServer http, CryptoSuite crypto, AuditLog auditLog,
                    ScheduledExecutorService scheduler, ReceiptForwarder forwarder, List<EventRelay> relays,
                    LifecycleScheduler lifecycle, AuditSelfCheck selfCheck, AutoCloseable selfCheckRuns,
                    HealthService health) {
        this.selfCheck = selfCheck;
        this.selfCheckRuns = selfCheckRuns;
        this.health = health;
        this.relays = relays;
        this.lifecycle = lifecycle;
        this.forwarder = forwarder;
        this.data = data;
        this.http = http;
        this.crypto = crypto;
        this.auditLog = auditLog;
        this.scheduler = scheduler;
    }

    public static KmsNode start(KmsConfig config, Clock clock) {
        return start(config, clock, com.zeroui.kms.backup.BackupSchedule.off());
    }

    /** A node that also backs its store up on {@code backupSchedule} (when enabled). */
    public static KmsNode start(KmsConfig config, Clock clock, com.zeroui.kms.backup.BackupSchedule backupSchedule) {
        CryptoSuite crypto = CryptoSuite.select(config.cryptoProvider());
        DataDirectory data = DataDirectory.open(config, clock);
        AuditLog auditLog = null;
        AuditSelfCheck selfCheck = null;
        AutoCloseable selfCheckRuns = null;
        ScheduledExecutorService scheduler = null;
        ReceiptForwarder forwarder = null;
        List<EventRelay> relays = List.of();
        HealthService healthChecks = null;
        com.zeroui.kms.backup.ScheduledBackups backups = null;
        try {
            Events events = new Events(config.events().enabled(), clock);
            KeysWiring keyWiring = KeysWiring.start(config, data, crypto, clock);
            JdbcKeyRepository storedKeys = keyWiring.stored();
            com.zeroui.kms.keys.KeyRecordCache keys = keyWiring.keys();
            KeyMaterialCache material = keyWiring.material();
            AeadInvocationBudget budget = keyWiring.budget();
            ServiceKeyDirectory serviceKeyChains = keyWiring.serviceKeyChains();
            AuditWiring audit = AuditWiring.start(config, data, crypto, clock, serviceKeyChains.receiptKey(), events);
            JdbcAuditRepository auditRepository = audit.repository();
            LogIntegrity integrity = audit.integrity();
            selfCheck = audit.selfCheck();
            auditLog = audit.log();
            AuditTrail trail = audit.trail();
            TreeHeads heads = audit.heads();
            JdbcEventOutbox outbox = new JdbcEventOutbox(data.database());
            selfCheckRuns = selfCheck.schedule(AUDIT_SELF_CHECK_INTERVAL);
            scheduler = SchedulerWiring.newScheduler();
            SchedulerWiring.signTreeHeads(scheduler, heads);

            // counting every key is a scan of an index with one entry per key: at most once per KEY_COUNT_MAX_AGE
            Metrics metrics = new Metrics(new com.zeroui.kms.ops.ScrapeCache<>(keys::countByTypeAndState, KEY_COUNT_MAX_AGE));
            metrics.registerKeyCache(material::hits, material::misses);
            LifecycleWiring policy = LifecycleWiring.start(config, clock, crypto, data, keyWiring, trail, metrics);
            ApprovalGate approvalGate = policy.approvalGate();
            KeyLifecycleService lifecycle = policy.lifecycle();
            LifecycleScheduler lifecycleScheduler = policy.scheduler();
            SchedulerWiring.lifecycleJobs(scheduler, config, clock, serviceKeyChains, outbox, lifecycleScheduler);
            AuditLog log = auditLog;
            metrics.registerAuditLog(log::receiptsWritten, log::batchesWritten, log::queueDepth, auditRepository::size);
            log.onBatch((receipts, waitNanos) -> metrics.recordAuditBatch(receipts, waitNanos / 1e6));
            metrics.registerEventOutbox(outbox::lastSeq);
            List<HealthService.NamedCheck> checks = HealthWiring.coreChecks(data, crypto, log, integrity);
            if (config.receiptWebhookUrl() != null) {
                forwarder = new ReceiptForwarder(auditRepository, new WebhookReceiptSink(config.receiptWebhookUrl()));
                ReceiptForwarder sink = forwarder;
                // a lagging sink degrades health but never stops operations: the log keeps everything
                checks.add(new HealthService.NamedCheck("receipt_sink:" + sink.sinkName(), false, sink::check));
                metrics.registerReceiptSink(sink.sinkName(), sink::lag);
            }
            JdbcCertificateStore certificateStore = new JdbcCertificateStore(data.database());
            metrics.registerCertificatesExpiring(window -> certificateStore.countExpiring(clock.instant(),
                    clock.instant().plus(window)));
            // CA and responder certificates close to expiry degrade health; issuance goes on until they expire
            checks.add(new HealthService.NamedCheck("ca_certificates", false, CaExpiryCheck.of(() -> data.ca().ca(),
                    () -> certificateStore.ocspResponder(InternalCa.ISSUING_ID).map(CertificateStore.StoredResponder::notAfter),
                    clock)));
            relays = EventsWiring.startEventRelays(config, outbox, clock);
            for (EventRelay relay : relays) {
                // like receipt sinks: a failing or lagging event sink degrades health, operations go on
                checks.add(new HealthService.NamedCheck("event_sink:" + relay.sinkName(), false, relay::check));
            }
            metrics.registerEventSinks(relays.stream().map(r -> new Metrics.EventSinkFigures(r.sinkName(), r::depth,
                    () -> r.lag().toMillis() / 1000.0, r::deliveredEvents, r::failures)).toList());
            if (backupSchedule.enabled()) {
                backups = scheduledBackups(backupSchedule, data, crypto, clock);
                // a missed backup degrades health; the service itself is unaffected
                checks.add(new HealthService.NamedCheck("backup", false, backups::check));
                metrics.registerBackups(backups::lastSuccessEpochSeconds, backups::lastBytes);
            }
            HealthService health = new HealthService(checks,
                    // the current master-key version: a rotation run beside the node changes it
                    () -> Map.of("crypto_provider", crypto.preferredProvider(), "master_key_id", data.masterKey().keyId()))
                    .start();
            healthChecks = health;
            KeyManagementService keyManagement = new KeyManagementService(keys, material, crypto, clock,
                    config.maxUsagePerDayDefault(), data.masterKey().keyId(), trail, approvalGate);
            PublicKeys publicKeys = new PublicKeys(keys, keyManagement, crypto, trail, clock);
            Set<String> environments = EnumSet.allOf(Environment.class).stream().map(Environment::apiName)
                    .collect(java.util.stream.Collectors.toSet());
            JwtAuthenticator tokens = JwtAuthenticator.create(config.jwt(), publicKeys, environments, crypto, clock);
            TrustAnchorService trustAnchors = PkiWiring.trustAnchors(data, serviceKeyChains, trail, clock);
            java.util.concurrent.atomic.AtomicReference<HttpServer> serving = new java.util.concurrent.atomic.AtomicReference<>();
            // with --port 0 the port is known only once serving; nothing is enrolled before that
            Pki pki = PkiWiring.startPki(config, data, certificateStore, trail, () -> config.publicUrl(serving.get().port()), clock, scheduler);
            com.zeroui.kms.compliance.ComplianceService compliance = new com.zeroui.kms.compliance.ComplianceService(
                    health::check, effectiveConfig(config, crypto, budget, data.masterKey()),
                    ComplianceWiring.checks(storedKeys, auditRepository, data, lifecycle.settings().rotationScheduleDays(),
                            certificateStore::countExpiring), clock,
                    com.zeroui.kms.compliance.ComplianceService.DEFAULT_TTL);
            metrics.registerComplianceChecks(compliance::gauges);
            AuditArchiveWiring archive = AuditArchiveWiring.start(config, data, audit, clock);
            ApiServices services = ApiWiring.services(config, clock, crypto, data, new ApiWiring.Parts(keyWiring, audit,
                    policy, archive, outbox, health, metrics, keyManagement, publicKeys, tokens, pki, trustAnchors,
                    certificateStore, compliance));

            HttpServer http = HttpWiring.start(config, data, crypto, services, serving); // last: serving only once all is wired
            KmsNode node = new KmsNode(data, http, crypto, auditLog, scheduler, forwarder, relays, lifecycleScheduler, selfCheck,
                    selfCheckRuns, health);
            node.backups = backups == null ? null : backups.start();
            return node;
        } catch (RuntimeException | GeneralSecurityException | java.io.IOException e) {
            if (backups != null) {
                backups.close();
            }
            if (healthChecks != null) {
                healthChecks.close();
            }
            relays.forEach(EventRelay::close);
            closeQuietly(selfCheckRuns);
            if (forwarder != null) {
                forwarder.close();
            }
            if (scheduler != null) {
                scheduler.shutdownNow();
            }
            if (auditLog != null) {
                auditLog.close();
            }
            data.close();
            throw e instanceof StartupException se ? se : new StartupException("start-up failed: " + e.getMessage(), e);
        }
    }

    private static com.zeroui.kms.backup.ScheduledBackups scheduledBackups(com.zeroui.kms.backup.BackupSchedule schedule,
                                                                           DataDirectory data, CryptoSuite crypto, Clock clock) {
        return new com.zeroui.kms.backup.ScheduledBackups(schedule,
                new com.zeroui.kms.backup.BackupCreator(crypto, clock,
                        new com.zeroui.kms.backup.TokenHeldKeys(data.masterKey())),
                data.database()::snapshotConnection, data.masterKey(), clock);
    }

    static Map<String, Object> effectiveConfig(KmsConfig config, CryptoSuite crypto, AeadInvocationBudget budget,
                                              com.zeroui.kms.keystore.MasterKeyProvider masterKey) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("key_rotation_schedule", config.rotationSchedule().toString());
        m.put("rotation_grace_period", config.rotationGracePeriod().toString());
        m.put("allowed_algorithms", crypto.servedAlgorithms()); // the registry's algorithms this suite serves
        m.put("key_types", java.util.Arrays.stream(KeyType.values()).filter(t -> crypto.refusal(t).isEmpty())
                .map(KeyType::apiName).toList());
        m.put("fips_mode", crypto.fipsModule().isPresent());
        m.put("fips_module", crypto.fipsModule().map(f -> fipsDescription(f, crypto)).orElse(null));
        m.put("max_usage_per_day_default", config.maxUsagePerDayDefault());
        m.put("auto_rotation", config.lifecycle().autoRotation());
        m.put("destruction_waiting_period", "P" + config.lifecycle().destructionWindowDays() + "D");
        m.put("lifecycle_scheduler_interval", config.lifecycle().schedulerInterval().toString());
        m.put("dual_authorization_required_operations", config.approvals().rules().alwaysRequiredSorted());
        Map<String, Object> dual = new LinkedHashMap<>();
        dual.put("always", config.approvals().rules().alwaysRequiredSorted());
        dual.put("global_tenant_keys", config.approvals().globalTenantKeys()
                ? new java.util.TreeSet<>(DualAuthorization.OPERATIONS).stream().toList() : List.of());
        dual.put("keys_with_requires_approval", new java.util.TreeSet<>(DualAuthorization.LIFECYCLE_OPERATIONS).stream().toList());
        dual.put("token_ttl", config.approvals().tokenTtl().toString());
        dual.put("request_ttl", config.approvals().requestTtl().toString());
        dual.put("token_issuer", ApprovalTokens.ISSUER);
        dual.put("external_issuers", config.approvals().issuerNames());
        m.put("dual_authorization", dual);
        Map<String, Object> rates = new LinkedHashMap<>();
        rates.put("per_key", Map.of("rate_per_second", config.limits().keyRatePerSecond(), "burst", config.limits().keyBurst()));
        rates.put("per_caller", Map.of("rate_per_second", config.limits().callerRatePerSecond(),
                "burst", config.limits().callerBurst()));
        rates.put("scope", "per node");
        m.put("rate_limits", rates);
        m.put("policy_violation_threshold", Map.of("violations", config.limits().violationThreshold(),
                "window", config.limits().violationWindow().toString()));
        m.put("master_key_provider", config.masterKey().provider().apiName());
        m.put("master_key_id", new CurrentValue(masterKey::keyId)); // read at every request: a rotation changes it
        Map<String, Object> levels = new LinkedHashMap<>();
        for (com.zeroui.kms.keystore.ProtectionLevel level : com.zeroui.kms.keystore.ProtectionLevel.values()) {
            boolean usable = level != com.zeroui.kms.keystore.ProtectionLevel.HSM
                    || config.masterKey().provider() == com.zeroui.kms.keystore.MasterKeySettings.Kind.PKCS11;
            levels.put(level.apiName(), usable ? level.keyTypes().stream().map(KeyType::apiName).toList() : List.of());
        }
        m.put("protection_levels", levels);
        m.put("crypto_provider", crypto.preferredProvider());
        m.put("crypto_providers", crypto.providersByPrimitive());
        m.put("max_request_bytes", config.maxRequestBytes());
        m.put("aead_invocation_limit_per_key", budget.limit());
        m.put("trust_domain", config.trustDomain());
        m.put("tls_protocols", List.of("TLSv1.3", "TLSv1.2"));
        m.put("storage", config.databaseUrl().startsWith("jdbc:sqlite:") ? "sqlite" : "postgresql");
        Map<String, Object> events = new LinkedHashMap<>();
        events.put("enabled", config.events().enabled().stream().map(t -> t.apiName()).sorted().toList());
        events.put("nats", config.events().natsUrl() == null ? null : Map.of("url", config.events().natsUrl().toString(),
                "stream", config.events().natsStream(), "subjects", NatsEventSink.SUBJECT_PREFIX + "<event_type>"));
        events.put("webhooks", config.events().webhookUrls().stream().map(WebhookEventSink::nameFor).toList());
        events.put("sink_lag_threshold", config.events().lagThreshold().toString());
        m.put("events", events);
        Map<String, Object> jwt = new LinkedHashMap<>();
        jwt.put("required", config.jwt().required());
        jwt.put("issuers", config.jwt().issuers().stream().map(i -> i.issuer()).distinct().toList());
        jwt.put("exempt", config.jwt().exemptSpiffeIds().stream().sorted().toList());
        jwt.put("clock_skew_seconds", config.jwt().clockSkew().toSeconds());
        jwt.put("audience", config.jwt().audience());
        m.put("jwt", jwt);
        Map<String, Object> certificates = new LinkedHashMap<>();
        certificates.put("max_ttl", config.pki().maxCertificateTtl().toString());
        certificates.put("crl_validity", config.pki().crlValidity().toString());
        certificates.put("ocsp_response_validity", OcspResponder.RESPONSE_VALIDITY.toString());
        certificates.put("public_url", config.pki().publicUrl() == null ? null : config.pki().publicUrl().toString());
        m.put("certificates", certificates);
        return m;
    }

    /** What config shows of the FIPS module: which one, its state, and what it refuses. */
    private static Map<String, Object> fipsDescription(FipsModule fips, CryptoSuite crypto) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", fips.moduleName());
        m.put("version", fips.moduleVersion());
        m.put("provider", fips.provider().getName());
        m.put("provider_info", fips.providerInfo());
        m.put("tls_provider", fips.jsseProvider().getName() + " " + fips.jsseProvider().getVersionStr());
        m.put("approved_only", fips.approvedOnly());
        m.put("self_test", fips.selfTestStatus());
        m.put("refused_algorithms", crypto.refusedNames());
        return m;
    }

    public int port() {
        return http.port();
    }

    public List<HttpServer.Route> routes() {
        return http.routes();
    }

    /** One lifecycle scheduler run now (the periodic one runs every configured interval anyway). */
    public LifecycleScheduler.Run runLifecycle() {
        return lifecycle.runOnce();
    }

    public DataDirectory data() {
        return data;
    }

    /** The scheduled backups, when a schedule is on. */
    public java.util.Optional<com.zeroui.kms.backup.ScheduledBackups> backups() {
        return java.util.Optional.ofNullable(backups);
    }

    public CryptoSuite crypto() {
        return crypto;
    }

    @Override
    public void close() {
        http.close(); // no new requests, then the queued receipts are written, then storage closes
        if (backups != null) {
            backups.close();
        }
        if (forwarder != null) {
            forwarder.close();
        }
        relays.forEach(EventRelay::close);
        health.close();
        scheduler.shutdownNow();
        closeQuietly(selfCheckRuns);
        auditLog.close();
        try {
            selfCheck.run(); // the checkpoint then covers every receipt this node wrote: the next start checks little
        } catch (RuntimeException e) {
            LOG.warn("final audit self-check could not run: {}", e.getMessage());
        }
        data.close();
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable != null) {
            try {
                closeable.close();
            } catch (Exception e) {
                LOG.warn("stopping {} failed: {}", closeable, e.getMessage());
            }
        }
    }
}
