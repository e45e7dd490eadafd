package com.zeroui.kms.ops;

import com.zeroui.kms.auth.JwtSettings;
import com.zeroui.kms.auth.SpiffeIdentities;
import com.zeroui.kms.crypto.CryptoSuite;
import com.zeroui.kms.keystore.MasterKeySettings;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Period;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The effective configuration: assembled with {@link #builder()}, validated as a whole once by
 * {@link Builder#build()}, then immutable. Every invalid value is reported together with its name and the
 * accepted range, all problems in one message.
 */
public final class KmsConfig {

    public static final String DEFAULT_BIND_ADDRESS = "127.0.0.1";
    public static final int DEFAULT_PORT = 8443;
    public static final long DEFAULT_MAX_REQUEST_BYTES = 1024 * 1024;
    private static final Pattern TRUST_DOMAIN = Pattern.compile("[a-z0-9._-]{1,255}");
    private static final Pattern HOSTNAME = Pattern.compile("[A-Za-z0-9.:*-]{1,253}");

    private final String bindAddress;
    private final int port;
    private final Path dataDir;
    private final String databaseUrl;
    private final String databaseUser;
    private final String databasePassword;
    private final List<String> hostnames;
    private final String trustDomain;
    private final CryptoSuite.Preference cryptoProvider;
    private final long maxRequestBytes;
    private final long keyCacheSize;
    private final long aeadInvocationLimit;
    private final Period rotationSchedule;
    private final Period rotationGracePeriod;
    private final long maxUsagePerDayDefault;
    private final Duration clientCertificateTtl;
    private final Duration serverCertificateTtl;
    private final URI receiptWebhookUrl;
    private final EventsConfig events;
    private final JwtSettings jwt;
    private final LifecycleConfig lifecycle;
    private final ApprovalConfig approvals;
    private final LimitsConfig limits;
    private final PkiConfig pki;
    private final MasterKeySettings masterKey;

    private KmsConfig(Builder b) {
        this.bindAddress = b.bindAddress;
        this.port = b.port;
        this.dataDir = b.dataDir;
        this.databaseUrl = b.databaseUrl;
        this.databaseUser = b.databaseUser;
        this.databasePassword = b.databasePassword;
        this.hostnames = b.hostnames;
        this.trustDomain = b.trustDomain;
        this.cryptoProvider = b.cryptoProvider;
        this.maxRequestBytes = b.maxRequestBytes;
        this.keyCacheSize = b.keyCacheSize;
        this.aeadInvocationLimit = b.aeadInvocationLimit;
        this.rotationSchedule = b.rotationSchedule;
        this.rotationGracePeriod = b.rotationGracePeriod;
        this.maxUsagePerDayDefault = b.maxUsagePerDayDefault;
        this.clientCertificateTtl = b.clientCertificateTtl;
        this.serverCertificateTtl = b.serverCertificateTtl;
        this.receiptWebhookUrl = b.receiptWebhookUrl;
        this.events = b.events;
        this.jwt = b.jwt;
        this.lifecycle = b.lifecycle;
        this.approvals = b.approvals;
        this.limits = b.limits;
        this.pki = b.pki;
        this.masterKey = b.masterKey;
    }

    /** A builder with the embedded defaults; {@link Builder#dataDir} must be set (no default data directory). */
    public static Builder builder() {
        return new Builder();
    }

    /** Embedded defaults: what {@code ./kms serve} runs with on a fresh machine. */
    public static KmsConfig defaults(Path dataDir) {
        return builder().dataDir(dataDir).build();
    }

    /** A builder holding this configuration's settings, for deriving a variant (validated again on build). */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.bindAddress = bindAddress;
        b.port = port;
        b.dataDir = dataDir;
        b.databaseUrl = databaseUrl;
        b.databaseUser = databaseUser;
        b.databasePassword = databasePassword;
        b.hostnames = hostnames;
        b.trustDomain = trustDomain;
        b.cryptoProvider = cryptoProvider;
        b.maxRequestBytes = maxRequestBytes;
        b.keyCacheSize = keyCacheSize;
        b.aeadInvocationLimit = aeadInvocationLimit;
        b.rotationSchedule = rotationSchedule;
        b.rotationGracePeriod = rotationGracePeriod;
        b.maxUsagePerDayDefault = maxUsagePerDayDefault;
        b.clientCertificateTtl = clientCertificateTtl;
        b.serverCertificateTtl = serverCertificateTtl;
        b.receiptWebhookUrl = receiptWebhookUrl;
        b.events = events;
        b.jwt = jwt;
        b.lifecycle = lifecycle;
        b.approvals = approvals;
        b.limits = limits;
        b.pki = pki;
        b.masterKey = masterKey;
        return b;
    }

    public String bindAddress() {
        return bindAddress;
    }

    public int port() {
        return port;
    }

    public Path dataDir() {
        return dataDir;
    }

    public String databaseUrl() {
        return databaseUrl;
    }

    public String databaseUser() {
        return databaseUser;
    }

    public String databasePassword() {
        return databasePassword;
    }

    public List<String> hostnames() {
        return hostnames;
    }

    public String trustDomain() {
        return trustDomain;
    }

    public CryptoSuite.Preference cryptoProvider() {
        return cryptoProvider;
    }

    public long maxRequestBytes() {
        return maxRequestBytes;
    }

    public long keyCacheSize() {
        return keyCacheSize;
    }

    public long aeadInvocationLimit() {
        return aeadInvocationLimit;
    }

    public Period rotationSchedule() {
        return rotationSchedule;
    }

    public Period rotationGracePeriod() {
        return rotationGracePeriod;
    }

    public long maxUsagePerDayDefault() {
        return maxUsagePerDayDefault;
    }

    public Duration clientCertificateTtl() {
        return clientCertificateTtl;
    }

    public Duration serverCertificateTtl() {
        return serverCertificateTtl;
    }

    public URI receiptWebhookUrl() {
        return receiptWebhookUrl;
    }

    public EventsConfig events() {
        return events;
    }

    public JwtSettings jwt() {
        return jwt;
    }

    public LifecycleConfig lifecycle() {
        return lifecycle;
    }

    public ApprovalConfig approvals() {
        return approvals;
    }

    public LimitsConfig limits() {
        return limits;
    }

    public PkiConfig pki() {
        return pki;
    }

    public MasterKeySettings masterKey() {
        return masterKey;
    }

    @Override
    public String toString() {
        return "KmsConfig[bind=" + bindAddress + ":" + port + ", dataDir=" + dataDir + ", database="
                + DatabaseUrls.redact(databaseUrl) + ", trustDomain=" + trustDomain
                + ", cryptoProvider=" + cryptoProvider + "]";
    }

    public SpiffeIdentities identities() {
        return new SpiffeIdentities(trustDomain);
    }

    public Path masterKeyFile() {
        return dataDir.resolve("master.key");
    }

    public Path tlsDir() {
        return dataDir.resolve("tls");
    }

    /** The base URL relying parties reach this service at: CRL distribution points and OCSP URLs name it. */
    public URI publicUrl(int boundPort) {
        if (pki.publicUrl() != null) {
            return pki.publicUrl();
        }
        String host = hostnames.stream().filter(h -> !h.contains("*")).findFirst().orElse("127.0.0.1");
        return URI.create("https://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + boundPort);
    }

    /**
     * Collects settings (starting from the embedded defaults); {@link #build()} normalises and validates them
     * together and returns the immutable configuration. Not thread-safe; build once per configuration.
     */
    public static final class Builder {
        private String bindAddress = DEFAULT_BIND_ADDRESS;
        private int port = DEFAULT_PORT;
        private Path dataDir;
        private String databaseUrl;
        private String databaseUser;
        private String databasePassword;
        private List<String> hostnames = List.of();
        private String trustDomain = "zeroui.local";
        private CryptoSuite.Preference cryptoProvider = CryptoSuite.Preference.AUTO;
        private long maxRequestBytes = DEFAULT_MAX_REQUEST_BYTES;
        private long keyCacheSize = 10_000;
        private long aeadInvocationLimit = 1L << 32;
        private Period rotationSchedule = Period.ofDays(90);
        private Period rotationGracePeriod = Period.ofDays(7);
        private long maxUsagePerDayDefault = 100_000;
        private Duration clientCertificateTtl = Duration.ofDays(365);
        private Duration serverCertificateTtl = Duration.ofDays(90);
        private URI receiptWebhookUrl;
        private EventsConfig events = EventsConfig.defaults();
        private JwtSettings jwt = JwtSettings.disabled();
        private LifecycleConfig lifecycle = LifecycleConfig.defaults();
        private ApprovalConfig approvals = ApprovalConfig.defaults();
        private LimitsConfig limits = LimitsConfig.defaults();
        private PkiConfig pki = PkiConfig.defaults();
        private MasterKeySettings masterKey = MasterKeySettings.software();

        private Builder() {
        }

        public Builder bindAddress(String value) {
            this.bindAddress = value;
            return this;
        }

        public Builder port(int value) {
            this.port = value;
            return this;
        }

        public Builder dataDir(Path value) {
            this.dataDir = value;
            return this;
        }

        public Builder hostnames(List<String> value) {
            this.hostnames = value == null ? List.of() : List.copyOf(value);
            return this;
        }

        public Builder trustDomain(String value) {
            this.trustDomain = value;
            return this;
        }

        public Builder cryptoProvider(CryptoSuite.Preference value) {
            this.cryptoProvider = value;
            return this;
        }

        public Builder maxRequestBytes(long value) {
            this.maxRequestBytes = value;
            return this;
        }

        public Builder keyCacheSize(long value) {
            this.keyCacheSize = value;
            return this;
        }

        public Builder aeadInvocationLimit(long value) {
            this.aeadInvocationLimit = value;
            return this;
        }

        public Builder rotationSchedule(Period value) {
            this.rotationSchedule = value;
            return this;
        }

        public Builder rotationGracePeriod(Period value) {
            this.rotationGracePeriod = value;
            return this;
        }

        public Builder maxUsagePerDayDefault(long value) {
            this.maxUsagePerDayDefault = value;
            return this;
        }

        public Builder clientCertificateTtl(Duration value) {
            this.clientCertificateTtl = value;
            return this;
        }

        public Builder serverCertificateTtl(Duration value) {
            this.serverCertificateTtl = value;
            return this;
        }

        public Builder receiptWebhookUrl(URI value) {
            this.receiptWebhookUrl = value;
            return this;
        }

        public Builder events(EventsConfig value) {
            this.events = value;
            return this;
        }

        public Builder jwt(JwtSettings value) {
            this.jwt = value;
            return this;
        }

        public Builder lifecycle(LifecycleConfig value) {
            this.lifecycle = value;
            return this;
        }

        public Builder approvals(ApprovalConfig value) {
            this.approvals = value;
            return this;
        }

        public Builder limits(LimitsConfig value) {
            this.limits = value;
            return this;
        }

        public Builder pki(PkiConfig value) {
            this.pki = value;
            return this;
        }

        public Builder masterKey(MasterKeySettings value) {
            this.masterKey = value;
            return this;
        }

        /** The store: a JDBC URL (null or blank means SQLite in the data directory) and its credentials. */
        public Builder database(String url, String user, String password) {
            this.databaseUrl = url;
            this.databaseUser = user;
            this.databasePassword = password;
            return this;
        }

        public Builder rotation(Period schedule, Period grace) {
            this.rotationSchedule = schedule;
            this.rotationGracePeriod = grace;
            return this;
        }

        /** The events settings collected so far (tests derive a variant from the defaults). */
        public EventsConfig events() {
            return events;
        }

        /** The PKI settings collected so far (tests derive a variant from the defaults). */
        public PkiConfig pki() {
            return pki;
        }

        /** Validates every setting once, reporting all problems together, and returns the immutable configuration. */
        public KmsConfig build() {
            Objects.requireNonNull(dataDir, "data directory");
            Builder b = new Builder();
            b.bindAddress = bindAddress;
            b.port = port;
            b.dataDir = dataDir;
            b.databaseUrl = databaseUrl;
            b.databaseUser = databaseUser;
            b.databasePassword = databasePassword;
            b.hostnames = hostnames;
            b.trustDomain = trustDomain;
            b.cryptoProvider = cryptoProvider;
            b.maxRequestBytes = maxRequestBytes;
            b.keyCacheSize = keyCacheSize;
            b.aeadInvocationLimit = aeadInvocationLimit;
            b.rotationSchedule = rotationSchedule;
            b.rotationGracePeriod = rotationGracePeriod;
            b.maxUsagePerDayDefault = maxUsagePerDayDefault;
            b.clientCertificateTtl = clientCertificateTtl;
            b.serverCertificateTtl = serverCertificateTtl;
            b.receiptWebhookUrl = receiptWebhookUrl;
            b.events = events;
            b.jwt = jwt;
            b.lifecycle = lifecycle;
            b.approvals = approvals;
            b.limits = limits;
            b.pki = pki;
            b.masterKey = masterKey;
            b.normalize();
            b.validate();
            return new KmsConfig(b);
        }

        /** Fills the settings left unset with their defaults; works on a copy so this builder stays reusable. */
        private void normalize() {
            hostnames = List.copyOf(hostnames);
            dataDir = dataDir.toAbsolutePath().normalize();
            if (databaseUrl == null || databaseUrl.isBlank()) {
                databaseUrl = "jdbc:sqlite:" + dataDir.resolve("kms.db");
            }
            jwt = jwt == null ? JwtSettings.disabled() : jwt;
            pki = pki == null ? PkiConfig.defaults() : pki;
            events = events == null ? EventsConfig.defaults() : events;
            lifecycle = lifecycle == null ? LifecycleConfig.defaults() : lifecycle;
            approvals = approvals == null ? ApprovalConfig.defaults() : approvals;
            limits = limits == null ? LimitsConfig.defaults() : limits;
            masterKey = masterKey == null ? MasterKeySettings.software() : masterKey;
        }

        private void validate() {
            List<String> problems = new ArrayList<>();
            if (bindAddress == null || bindAddress.isBlank()) {
                problems.add("bind address is empty");
            }
            if (port < 0 || port > 65535) {
                problems.add("port " + port + " is outside 0..65535 (0 picks a free port)");
            }
            if (!databaseUrl.startsWith("jdbc:sqlite:") && !databaseUrl.startsWith("jdbc:postgresql:")) {
                problems.add("database URL must start with jdbc:sqlite: or jdbc:postgresql:");
            }
            for (String host : hostnames) {
                if (!HOSTNAME.matcher(host).matches()) {
                    problems.add("hostname '" + host + "' is not a DNS name or IP address");
                }
            }
            if (trustDomain == null || !TRUST_DOMAIN.matcher(trustDomain).matches()) {
                problems.add("trust domain '" + trustDomain + "' must match " + TRUST_DOMAIN.pattern());
            }
            if (maxRequestBytes < 1024 || maxRequestBytes > 64L * 1024 * 1024) {
                problems.add("max request bytes " + maxRequestBytes + " is outside 1 KiB..64 MiB");
            }
            if (keyCacheSize < 1) {
                problems.add("key cache size must be at least 1");
            }
            if (aeadInvocationLimit < 1 || aeadInvocationLimit > (1L << 32)) {
                problems.add("AEAD invocation limit " + aeadInvocationLimit + " is outside 1..2^32 (NIST SP 800-38D)");
            }
            if (maxUsagePerDayDefault < 1) {
                problems.add("max usage per day default must be at least 1");
            }
            if (clientCertificateTtl.isNegative() || clientCertificateTtl.isZero()
                    || serverCertificateTtl.isNegative() || serverCertificateTtl.isZero()) {
                problems.add("certificate lifetimes must be positive");
            }
            if (receiptWebhookUrl != null && !("http".equals(receiptWebhookUrl.getScheme())
                    || "https".equals(receiptWebhookUrl.getScheme()))) {
                problems.add("receipt webhook URL must be http:// or https://: " + receiptWebhookUrl);
            }
            events.validate(problems);
            lifecycle.validate(problems);
            if (rotationSchedule.isNegative() || rotationSchedule.isZero() || rotationGracePeriod.isNegative()) {
                problems.add("rotation schedule must be positive and the grace period not negative");
            }
            pki.validate(problems);
            if (trustDomain != null && TRUST_DOMAIN.matcher(trustDomain).matches()) {
                problems.addAll(jwt.problems(new SpiffeIdentities(trustDomain)));
            }
            approvals.validate(problems);
            limits.validate(problems);
            masterKey.validate(problems);
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException("invalid configuration: " + String.join("; ", problems));
            }
        }
    }
}
