package com.zeroui.kms.app;

import com.zeroui.kms.api.ApiServices;
import com.zeroui.kms.api.HttpServer;
import com.zeroui.kms.approvals.ApprovalTokens;
import com.zeroui.kms.audit.AuditTrail;
import com.zeroui.kms.backup.BackupSchedule;
import com.zeroui.kms.backup.ScheduledBackups;
import com.zeroui.kms.compliance.ComplianceService;
import com.zeroui.kms.crypto.CryptoSuite;
import com.zeroui.kms.crypto.FipsModule;
import com.zeroui.kms.crypto.KeyType;
import com.zeroui.kms.events.Events;
import com.zeroui.kms.events.NatsEventSink;
import com.zeroui.kms.events.WebhookEventSink;
import com.zeroui.kms.keys.AeadInvocationBudget;
import com.zeroui.kms.keys.DualAuthorization;
import com.zeroui.kms.keys.LifecycleScheduler;
import com.zeroui.kms.keys.ServiceKeyPurpose;
import com.zeroui.kms.ops.HealthService;
import com.zeroui.kms.ops.KmsConfig;
import com.zeroui.kms.ops.Metrics;
import com.zeroui.kms.store.JdbcCertificateStore;
import com.zeroui.kms.store.JdbcEventOutbox;
import com.zeroui.kms.trust.anchors.TrustAnchorService;
import com.zeroui.kms.trust.pki.OcspResponder;
import com.zeroui.kms.trust.pki.Pki;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One running KMS node: the composition root that wires storage, master key, crypto, services and
 * HTTP. A node keeps no state another node cannot rebuild from the database: its TLS server
 * certificate is minted from the internal CA at every start and held only in memory.
 */
public final class KmsNode implements AutoCloseable {
    /** Operator console sign-in (docs/console.md): a login link is good for two minutes and once. */
    static final java.time.Duration CONSOLE_LINK_TTL = java.time.Duration.ofMinutes(2);
    static final java.time.Duration CONSOLE_IDLE_TIMEOUT = java.time.Duration.ofMinutes(15);
    static final java.time.Duration CONSOLE_MAX_LIFETIME = java.time.Duration.ofHours(8);
    /** Group commit: wait at most this long for more receipts before committing a batch. */
    static final Duration AUDIT_WINDOW = Duration.ofMillis(2);
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
    private final LifecycleScheduler lifecycle;
    private final ScheduledBackups backups; // null when no schedule is on
    private final StartedResources started;

    private KmsNode(DataDirectory data, HttpServer http, CryptoSuite crypto, LifecycleScheduler lifecycle,
                    ScheduledBackups backups, StartedResources started) {
        this.data = data;
        this.http = http;
        this.crypto = crypto;
        this.lifecycle = lifecycle;
        this.backups = backups;
        this.started = started;
    }

    public static KmsNode start(KmsConfig config, Clock clock) {
        return start(config, clock, BackupSchedule.off());
    }

    /**
     * A node that also backs its store up on {@code backupSchedule} (when enabled). Each step
     * registers what it opens in {@code started}; if a step fails, all of that is closed again.
     */
    public static KmsNode start(KmsConfig config, Clock clock, BackupSchedule backupSchedule) {
        CryptoSuite crypto = CryptoSuite.select(config.cryptoProvider());
        StartedResources started = new StartedResources();
        DataDirectory data = started.add("storage", DataDirectory.open(config, clock));
        try {
            KeysWiring keys = KeysWiring.start(config, data, crypto, clock);
            AuditWiring audit = AuditWiring.start(config, data, crypto, clock, keys.serviceKeyChains().receiptKey(),
                    new Events(config.events().enabled(), clock), started);
            AuditTrail trail = audit.trail();
            JdbcEventOutbox outbox = new JdbcEventOutbox(data.database());
            ScheduledExecutorService scheduler = SchedulerWiring.start(audit.heads(), started);
            Metrics metrics = MetricsWiring.start(keys, audit, outbox);
            LifecycleWiring policy = LifecycleWiring.start(config, clock, crypto, data, keys, trail, metrics);
            SchedulerWiring.lifecycleJobs(scheduler, config, clock, keys.serviceKeyChains(), outbox, policy.scheduler());
            // each feature adds its own health checks and gauges, then health checking starts over all of them
            List<HealthService.NamedCheck> checks = HealthWiring.coreChecks(data, crypto, audit.log(), audit.integrity());
            audit.forwardReceipts(config, checks, metrics, started);
            JdbcCertificateStore certificates = PkiWiring.certificateStore(data, clock, checks, metrics);
            EventsWiring.startEventRelays(config, outbox, clock, checks, metrics, started);
            ScheduledBackups backups = BackupWiring.create(backupSchedule, data, crypto, clock, checks, metrics, started);
            HealthService health = HealthWiring.start(checks, data, crypto, started);
            KeyServicesWiring keyServices = KeyServicesWiring.start(config, clock, crypto, data, keys, trail,
                    policy.approvalGate());
            TrustAnchorService trustAnchors = PkiWiring.trustAnchors(data, keys.serviceKeyChains(), trail, clock);
            AtomicReference<HttpServer> serving = new AtomicReference<>();
            // with --port 0 the port is known only once serving; nothing is enrolled before that
            Pki pki = PkiWiring.startPki(config, data, certificates, trail, () -> config.publicUrl(serving.get().port()),
                    clock, scheduler);
            ComplianceService compliance = ComplianceWiring.start(config, clock, crypto, data, keys, audit, policy,
                    certificates, health, metrics);
            AuditArchiveWiring archive = AuditArchiveWiring.start(config, data, audit, clock);
            ApiServices services = ApiWiring.services(config, clock, crypto, data, new ApiWiring.Parts(keys, audit,
                    policy, archive, outbox, health, metrics, keyServices, pki, trustAnchors, certificates, compliance));
            HttpServer http = HttpWiring.start(config, data, crypto, services, serving, started); // last: serving only once all is wired
            return new KmsNode(data, http, crypto, policy.scheduler(), backups == null ? null : backups.start(), started);
        } catch (RuntimeException | GeneralSecurityException | IOException e) {
            started.closeAfterFailure(e);
            throw e instanceof StartupException se ? se : new StartupException("start-up failed: " + e.getMessage(), e);
        }
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
    public java.util.Optional<ScheduledBackups> backups() {
        return java.util.Optional.ofNullable(backups);
    }

    public CryptoSuite crypto() {
        return crypto;
    }

    /**
     * Stops in reverse start-up order: no new requests first, then health checks, backups, sinks and
     * scheduled jobs; then the queued receipts are written, the final audit self-check runs, and
     * storage closes last.
     */
    @Override
    public void close() {
        started.close();
    }
}
