package com.zeroui.kms.cli;

import com.zeroui.kms.crypto.CryptoSuite;
import com.zeroui.kms.keystore.MasterKeySettings;
import com.zeroui.kms.ops.EventsConfig;
import com.zeroui.kms.ops.KmsConfig;
import com.zeroui.kms.ops.LifecycleConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Options shared by every command that opens a data directory; each has a KMS_* environment twin. */
final class StoreOptions {
    @Option(names = "--data-dir", defaultValue = "${env:KMS_DATA_DIR:-kms-data}",
            description = "Data directory (master key, SQLite database, TLS files). Env KMS_DATA_DIR. Default: ${DEFAULT-VALUE}")
    Path dataDir;

    @Option(names = "--database-url", defaultValue = "${env:KMS_DATABASE_URL}",
            description = "JDBC URL: jdbc:sqlite:FILE (default: DATA_DIR/kms.db) or jdbc:postgresql://HOST/DB. Env KMS_DATABASE_URL")
    String databaseUrl;

    @Option(names = "--database-user", defaultValue = "${env:KMS_DATABASE_USER}",
            description = "Database user (PostgreSQL); the password only from KMS_DATABASE_PASSWORD (never a flag: command lines are visible to all local users). Env KMS_DATABASE_USER")
    String databaseUser;

    @Option(names = "--trust-domain", defaultValue = "${env:KMS_TRUST_DOMAIN:-zeroui.local}",
            description = "SPIFFE trust domain of caller identities. Env KMS_TRUST_DOMAIN. Default: ${DEFAULT-VALUE}")
    String trustDomain;

    @Option(names = "--receipt-webhook-url", defaultValue = "${env:KMS_RECEIPT_WEBHOOK_URL}",
            description = "Forward every receipt, at least once, to this http(s) URL (the evidence ledger M27). Env KMS_RECEIPT_WEBHOOK_URL")
    String receiptWebhookUrl;

    @Option(names = "--events", defaultValue = "${env:KMS_EVENTS:-all}",
            description = "Event types written to the outbox: all, none, or a comma-separated list such as key_generated,key_rotated,key_revoked,trust_anchor_updated,policy_violation (drops the high-rate signature_created/signature_verified). Env KMS_EVENTS. Default: ${DEFAULT-VALUE}")
    String events;

    @Option(names = "--nats-url", defaultValue = "${env:KMS_NATS_URL}",
            description = "Publish events to this NATS JetStream server (e.g. nats://127.0.0.1:4222), subjects kms.events.<type>. Env KMS_NATS_URL")
    String natsUrl;

    @Option(names = "--nats-stream", defaultValue = "${env:KMS_NATS_STREAM:-KMS_EVENTS}",
            description = "JetStream stream capturing kms.events.>; created (file storage, 10 min duplicate window) when missing. Env KMS_NATS_STREAM. Default: ${DEFAULT-VALUE}")
    String natsStream;

    @Option(names = "--event-webhook-url", split = ",",
            description = "POST every event, at least once and in order, to this URL; repeatable. Env KMS_EVENT_WEBHOOK_URLS (comma-separated)")
    List<String> eventWebhookUrls = new ArrayList<>();

    @Option(names = "--rotation-schedule", defaultValue = "${env:KMS_ROTATION_SCHEDULE:-P90D}",
            description = "Rotate active keys older than this ISO-8601 period (per-key rotation_period overrides). Env KMS_ROTATION_SCHEDULE. Default: ${DEFAULT-VALUE}")
    java.time.Period rotationSchedule;

    @Option(names = "--rotation-grace-period", defaultValue = "${env:KMS_ROTATION_GRACE_PERIOD:-P7D}",
            description = "How long a rotated key still verifies and decrypts before it is archived. Env KMS_ROTATION_GRACE_PERIOD. Default: ${DEFAULT-VALUE}")
    java.time.Period gracePeriod;

    @Option(names = "--destruction-waiting-days", defaultValue = "${env:KMS_DESTRUCTION_WAITING_DAYS:-30}",
            description = "Default wait (7-30 days) before a scheduled destruction erases a key. Env KMS_DESTRUCTION_WAITING_DAYS. Default: ${DEFAULT-VALUE}")
    int destructionWaitingDays;

    @Option(names = "--auto-rotation", defaultValue = "${env:KMS_AUTO_ROTATION:-true}", arity = "1",
            description = "Rotate keys that reach their schedule automatically. Env KMS_AUTO_ROTATION. Default: ${DEFAULT-VALUE}")
    boolean autoRotation;

    @Option(names = "--lifecycle-interval", defaultValue = "${env:KMS_LIFECYCLE_INTERVAL:-PT1M}",
            description = "How often each node archives, destroys and rotates what is due (ISO-8601). Env KMS_LIFECYCLE_INTERVAL. Default: ${DEFAULT-VALUE}")
    java.time.Duration lifecycleInterval;

    @Option(names = "--service-key-rotation", defaultValue = "${env:KMS_SERVICE_KEY_ROTATION:-P90D}",
            description = "Replace each of the service's signing keys (receipt, approval-token, trust-bundle) when it is older"
                    + " than this ISO-8601 period of days; what it signed while valid keeps verifying. Env"
                    + " KMS_SERVICE_KEY_ROTATION. Default: ${DEFAULT-VALUE}")
    java.time.Period serviceKeyRotation;

    @Option(names = "--service-key-overlap", defaultValue = "${env:KMS_SERVICE_KEY_OVERLAP:-P1D}",
            description = "How long a replaced service key stays valid (nodes still signing with it switch within the"
                    + " lifecycle interval); at least --lifecycle-interval. Env KMS_SERVICE_KEY_OVERLAP. Default: ${DEFAULT-VALUE}")
    java.time.Duration serviceKeyOverlap;

    @Option(names = "--audit-archive-dir", defaultValue = "${env:KMS_AUDIT_ARCHIVE_DIR}",
            description = "Directory of the archive store: where 'kms audit seal' writes sealed receipt archives and the"
                    + " server reads them for GET /receipts/{id} and the audit search. Env KMS_AUDIT_ARCHIVE_DIR."
                    + " Default: <data-dir>/audit-archives")
    Path auditArchiveDir;

    @Option(names = "--audit-retention", defaultValue = "${env:KMS_AUDIT_RETENTION:-P7Y}",
            description = "Keep every sealed audit archive at least this ISO-8601 period after its newest receipt;"
                    + " deleting one earlier is refused, deleting one later is an audited operation. Env KMS_AUDIT_RETENTION."
                    + " Default: ${DEFAULT-VALUE}")
    java.time.Period auditRetention;

    @Option(names = "--event-retention", defaultValue = "${env:KMS_EVENT_RETENTION:-P30D}",
            description = "Prune outbox events older than this ISO-8601 duration once every event sink has delivered"
                    + " them; the pull feed then starts after the pruned ones. Env KMS_EVENT_RETENTION. Default: ${DEFAULT-VALUE}")
    java.time.Duration eventRetention;

    @Option(names = "--master-key-provider", defaultValue = "${env:KMS_MASTER_KEY_PROVIDER:-software}",
            converter = MasterKeyProviderConverter.class,
            description = "Where the master key lives: software (DATA_DIR/master.key) or pkcs11 (a key inside a PKCS#11 token)."
                    + " Env KMS_MASTER_KEY_PROVIDER. Default: ${DEFAULT-VALUE}")
    MasterKeySettings.Kind masterKeyProvider;

    @Option(names = "--pkcs11-library", defaultValue = "${env:KMS_PKCS11_LIBRARY:-/usr/lib/softhsm/libsofthsm2.so}",
            description = "PKCS#11 module of the token. Env KMS_PKCS11_LIBRARY. Default: ${DEFAULT-VALUE}")
    Path pkcs11Library;

    @Option(names = "--pkcs11-token-label", defaultValue = "${env:KMS_PKCS11_TOKEN_LABEL}",
            description = "Label of the token holding the master key (or use --pkcs11-slot). Env KMS_PKCS11_TOKEN_LABEL")
    String pkcs11TokenLabel;

    @Option(names = "--pkcs11-slot", defaultValue = "${env:KMS_PKCS11_SLOT}",
            description = "Slot id of the token, instead of --pkcs11-token-label. Env KMS_PKCS11_SLOT")
    Long pkcs11Slot;

    @Option(names = "--pkcs11-pin-file", defaultValue = "${env:KMS_PKCS11_PIN_FILE}",
            description = "File whose first line is the token PIN, read when KMS_PKCS11_PIN is not set (the PIN is never"
                    + " a flag value). Env KMS_PKCS11_PIN_FILE")
    Path pkcs11PinFile;

    MasterKeySettings masterKeySettings() {
        return new MasterKeySettings(masterKeyProvider, pkcs11Library, pkcs11TokenLabel, pkcs11Slot, pkcs11PinFile);
    }

    /** picocli enum conversion that accepts the lower-case names the documentation uses. */
    static final class MasterKeyProviderConverter implements picocli.CommandLine.ITypeConverter<MasterKeySettings.Kind> {
        @Override
        public MasterKeySettings.Kind convert(String value) {
            for (MasterKeySettings.Kind kind : MasterKeySettings.Kind.values()) {
                if (kind.apiName().equalsIgnoreCase(value.trim())) {
                    return kind;
                }
            }
            throw new picocli.CommandLine.TypeConversionException("expected software or pkcs11, got '" + value + "'");
        }
    }

    /** The store and lifecycle options as settings; the caller adds its own and builds (validates) once. */
    KmsConfig.Builder configBuilder(String bind, int port, List<String> hostnames, CryptoSuite.Preference provider,
                                    long maxRequestBytes) {
        // The password only comes from the environment: command lines are visible to every local user.
        String password = System.getenv("KMS_DATABASE_PASSWORD");
        return KmsConfig.builder()
                .bindAddress(bind)
                .port(port)
                .dataDir(dataDir)
                .database(databaseUrl, databaseUser, password)
                .hostnames(hostnames)
                .trustDomain(trustDomain)
                .cryptoProvider(provider)
                .maxRequestBytes(maxRequestBytes)
                .rotation(rotationSchedule, gracePeriod)
                .receiptWebhookUrl(receiptWebhookUrl == null || receiptWebhookUrl.isBlank()
                        ? null : java.net.URI.create(receiptWebhookUrl))
                .events(eventsConfig())
                .lifecycle(new LifecycleConfig(destructionWaitingDays, lifecycleInterval, autoRotation, serviceKeyRotation,
                        serviceKeyOverlap, auditRetention, eventRetention, auditArchiveDir))
                .masterKey(masterKeySettings());
    }

    private EventsConfig eventsConfig() {
        List<java.net.URI> webhooks = new ArrayList<>();
        List<String> urls = new ArrayList<>(eventWebhookUrls);
        String fromEnv = System.getenv("KMS_EVENT_WEBHOOK_URLS");
        if (fromEnv != null) {
            urls.addAll(List.of(fromEnv.split(",")));
        }
        urls.stream().map(String::trim).filter(u -> !u.isEmpty()).map(java.net.URI::create).forEach(webhooks::add);
        EventsConfig d = EventsConfig.defaults();
        return new EventsConfig(EventsConfig.parseTypes(events),
                natsUrl == null || natsUrl.isBlank() ? null : java.net.URI.create(natsUrl.trim()),
                natsStream, webhooks, d.lagThreshold());
    }

    KmsConfig toConfig() {
        return configBuilder().build();
    }

    /** The store options with the default listener settings (commands that do not serve). */
    KmsConfig.Builder configBuilder() {
        return configBuilder(KmsConfig.DEFAULT_BIND_ADDRESS, KmsConfig.DEFAULT_PORT, List.of(), CryptoSuite.Preference.AUTO,
                KmsConfig.DEFAULT_MAX_REQUEST_BYTES);
    }
}
