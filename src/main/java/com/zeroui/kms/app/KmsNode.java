package com.zeroui.kms.app;

import com.zeroui.kms.api.ApiServices;
import com.zeroui.kms.api.HttpServer;
import com.zeroui.kms.audit.AuditTrail;
import com.zeroui.kms.backup.BackupSchedule;
import com.zeroui.kms.backup.ScheduledBackups;
import com.zeroui.kms.compliance.ComplianceService;
import com.zeroui.kms.crypto.CryptoSuite;
import com.zeroui.kms.events.Events;
import com.zeroui.kms.keys.LifecycleScheduler;
import com.zeroui.kms.keys.ServiceKeyPurpose;
import com.zeroui.kms.ops.HealthService;
import com.zeroui.kms.ops.KmsConfig;
import com.zeroui.kms.ops.Metrics;
import com.zeroui.kms.store.JdbcCertificateStore;
import com.zeroui.kms.store.JdbcEventOutbox;
import com.zeroui.kms.trust.anchors.TrustAnchorService;
import com.zeroui.kms.trust.pki.Pki;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
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
