package com.zeroui.kms.ops;

import com.zeroui.kms.auth.JwtSettings;
import com.zeroui.kms.auth.SpiffeIdentities;
import com.zeroui.kms.crypto.CryptoSuite;
import com.zeroui.kms.keystore.MasterKeySettings;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Period;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The effective configuration: built once at start-up, validated as a whole, then immutable.
 * Every invalid value is reported together with its name and the accepted range.
 */
public record KmsConfig(
        String bindAddress,
        int port,
        Path dataDir,
        String databaseUrl,
        String databaseUser,
        String databasePassword,
        List<String> hostnames,
        String trustDomain,
        CryptoSuite.Preference cryptoProvider,
        long maxRequestBytes,
        long keyCacheSize,
        long aeadInvocationLimit,
        Period rotationSchedule,
        Period rotationGracePeriod,
        long maxUsagePerDayDefault,
        Duration clientCertificateTtl,
        Duration serverCertificateTtl,
        java.net.URI receiptWebhookUrl,
        EventsConfig events,
        JwtSettings jwt,
        LifecycleConfig lifecycle,
        ApprovalConfig approvals,
        LimitsConfig limits,
        PkiConfig pki,
        MasterKeySettings masterKey) {

    public static final long DEFAULT_MAX_REQUEST_BYTES = 1024 * 1024;
    private static final Pattern TRUST_DOMAIN = Pattern.compile("[a-z0-9._-]{1,255}");
    private static final Pattern HOSTNAME = Pattern.compile("[A-Za-z0-9.:*-]{1,253}");

    public KmsConfig {
        hostnames = List.copyOf(hostnames);
        jwt = jwt == null ? JwtSettings.disabled() : jwt;
        pki = pki == null ? PkiConfig.defaults() : pki;
        dataDir = dataDir.toAbsolutePath().normalize();
        if (databaseUrl == null || databaseUrl.isBlank()) {
            databaseUrl = "jdbc:sqlite:" + dataDir.resolve("kms.db");
        }
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
        if (events == null) {
            events = EventsConfig.defaults();
        }
        events.validate(problems);
        if (lifecycle == null) {
            lifecycle = LifecycleConfig.defaults();
        }
        lifecycle.validate(problems);
        if (rotationSchedule.isNegative() || rotationSchedule.isZero() || rotationGracePeriod.isNegative()) {
            problems.add("rotation schedule must be positive and the grace period not negative");
        }
        pki.validate(problems);
        if (trustDomain != null && TRUST_DOMAIN.matcher(trustDomain).matches()) {
            problems.addAll(jwt.problems(new SpiffeIdentities(trustDomain)));
        }
        if (approvals == null) {
            approvals = ApprovalConfig.defaults();
        }
        approvals.validate(problems);
        if (limits == null) {
            limits = LimitsConfig.defaults();
        }
        limits.validate(problems);
        if (masterKey == null) {
            masterKey = MasterKeySettings.software();
        }
        masterKey.validate(problems);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid configuration: " + String.join("; ", problems));
        }
    }

    /** The configuration with the software master key (the constructor before master-key providers existed). */
    public KmsConfig(String bindAddress, int port, Path dataDir, String databaseUrl, String databaseUser,
                     String databasePassword, List<String> hostnames, String trustDomain,
                     CryptoSuite.Preference cryptoProvider, long maxRequestBytes, long keyCacheSize,
                     long aeadInvocationLimit, Period rotationSchedule, Period rotationGracePeriod,
                     long maxUsagePerDayDefault, Duration clientCertificateTtl, Duration serverCertificateTtl,
                     java.net.URI receiptWebhookUrl, EventsConfig events, JwtSettings jwt, LifecycleConfig lifecycle,
                     ApprovalConfig approvals, LimitsConfig limits, PkiConfig pki) {
        this(bindAddress, port, dataDir, databaseUrl, databaseUser, databasePassword, hostnames, trustDomain,
                cryptoProvider, maxRequestBytes, keyCacheSize, aeadInvocationLimit, rotationSchedule, rotationGracePeriod,
                maxUsagePerDayDefault, clientCertificateTtl, serverCertificateTtl, receiptWebhookUrl, events, jwt,
                lifecycle, approvals, limits, pki, null);
    }

    /** Embedded defaults: what {@code ./kms serve} runs with on a fresh machine. */
    public static KmsConfig defaults(Path dataDir) {
        return new KmsConfig("127.0.0.1", 8443, dataDir, null, null, null, List.of(), "zeroui.local",
                CryptoSuite.Preference.AUTO, DEFAULT_MAX_REQUEST_BYTES, 10_000, 1L << 32, Period.ofDays(90),
                Period.ofDays(7), 100_000, Duration.ofDays(365), Duration.ofDays(90), null,
                EventsConfig.defaults(), JwtSettings.disabled(), LifecycleConfig.defaults(), ApprovalConfig.defaults(),
                LimitsConfig.defaults(), PkiConfig.defaults(), MasterKeySettings.software());
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

    public KmsConfig withPort(int newPort) {
        return new KmsConfig(bindAddress, newPort, dataDir, databaseUrl, databaseUser, databasePassword, hostnames,
                trustDomain, cryptoProvider, maxRequestBytes, keyCacheSize, aeadInvocationLimit, rotationSchedule,
                rotationGracePeriod, maxUsagePerDayDefault, clientCertificateTtl, serverCertificateTtl, receiptWebhookUrl, events, jwt, lifecycle, approvals, limits, pki, masterKey);
    }

    public KmsConfig withDatabase(String url, String user, String password) {
        return new KmsConfig(bindAddress, port, dataDir, url, user, password, hostnames, trustDomain, cryptoProvider,
                maxRequestBytes, keyCacheSize, aeadInvocationLimit, rotationSchedule, rotationGracePeriod,
                maxUsagePerDayDefault, clientCertificateTtl, serverCertificateTtl, receiptWebhookUrl, events, jwt, lifecycle, approvals, limits, pki, masterKey);
    }

    public KmsConfig withAeadInvocationLimit(long limit) {
        return new KmsConfig(bindAddress, port, dataDir, databaseUrl, databaseUser, databasePassword, hostnames,
                trustDomain, cryptoProvider, maxRequestBytes, keyCacheSize, limit, rotationSchedule, rotationGracePeriod,
                maxUsagePerDayDefault, clientCertificateTtl, serverCertificateTtl, receiptWebhookUrl, events, jwt, lifecycle, approvals, limits, pki, masterKey);
    }

    public KmsConfig withReceiptWebhook(java.net.URI url) {
        return new KmsConfig(bindAddress, port, dataDir, databaseUrl, databaseUser, databasePassword, hostnames,
                trustDomain, cryptoProvider, maxRequestBytes, keyCacheSize, aeadInvocationLimit, rotationSchedule,
                rotationGracePeriod, maxUsagePerDayDefault, clientCertificateTtl, serverCertificateTtl, url, events, jwt, lifecycle, approvals, limits, pki, masterKey);
    }

    public KmsConfig withCryptoProvider(CryptoSuite.Preference preference) {
        return new KmsConfig(bindAddress, port, dataDir, databaseUrl, databaseUser, databasePassword, hostnames,
                trustDomain, preference, maxRequestBytes, keyCacheSize, aeadInvocationLimit, rotationSchedule,
                rotationGracePeriod, maxUsagePerDayDefault, clientCertificateTtl, serverCertificateTtl, receiptWebhookUrl, events, jwt, lifecycle, approvals, limits, pki, masterKey);
    }

    public KmsConfig withJwt(JwtSettings settings) {
        return new KmsConfig(bindAddress, port, dataDir, databaseUrl, databaseUser, databasePassword, hostnames,
                trustDomain, cryptoProvider, maxRequestBytes, keyCacheSize, aeadInvocationLimit, rotationSchedule,
                rotationGracePeriod, maxUsagePerDayDefault, clientCertificateTtl, serverCertificateTtl, receiptWebhookUrl,
                events, settings, lifecycle, approvals, limits, pki, masterKey);
    }

    public KmsConfig withLifecycle(LifecycleConfig newLifecycle) {
        return new KmsConfig(bindAddress, port, dataDir, databaseUrl, databaseUser, databasePassword, hostnames,
                trustDomain, cryptoProvider, maxRequestBytes, keyCacheSize, aeadInvocationLimit, rotationSchedule,
                rotationGracePeriod, maxUsagePerDayDefault, clientCertificateTtl, serverCertificateTtl, receiptWebhookUrl,
                events, jwt, newLifecycle, approvals, limits, pki, masterKey);
    }

    public KmsConfig withRotation(Period schedule, Period grace) {
        return new KmsConfig(bindAddress, port, dataDir, databaseUrl, databaseUser, databasePassword, hostnames,
                trustDomain, cryptoProvider, maxRequestBytes, keyCacheSize, aeadInvocationLimit, schedule,
                grace, maxUsagePerDayDefault, clientCertificateTtl, serverCertificateTtl, receiptWebhookUrl,
                events, jwt, lifecycle, approvals, limits, pki, masterKey);
    }

    public KmsConfig withEvents(EventsConfig newEvents) {
        return new KmsConfig(bindAddress, port, dataDir, databaseUrl, databaseUser, databasePassword, hostnames,
                trustDomain, cryptoProvider, maxRequestBytes, keyCacheSize, aeadInvocationLimit, rotationSchedule,
                rotationGracePeriod, maxUsagePerDayDefault, clientCertificateTtl, serverCertificateTtl, receiptWebhookUrl,
                newEvents, jwt, lifecycle, approvals, limits, pki, masterKey);
    }

    public KmsConfig withMaxUsagePerDayDefault(long max) {
        return new KmsConfig(bindAddress, port, dataDir, databaseUrl, databaseUser, databasePassword, hostnames,
                trustDomain, cryptoProvider, maxRequestBytes, keyCacheSize, aeadInvocationLimit, rotationSchedule,
                rotationGracePeriod, max, clientCertificateTtl, serverCertificateTtl, receiptWebhookUrl, events, jwt, lifecycle, approvals, limits, pki, masterKey);
    }

    public KmsConfig withApprovals(ApprovalConfig newApprovals) {
        return new KmsConfig(bindAddress, port, dataDir, databaseUrl, databaseUser, databasePassword, hostnames,
                trustDomain, cryptoProvider, maxRequestBytes, keyCacheSize, aeadInvocationLimit, rotationSchedule,
                rotationGracePeriod, maxUsagePerDayDefault, clientCertificateTtl, serverCertificateTtl, receiptWebhookUrl,
                events, jwt, lifecycle, newApprovals, limits, pki, masterKey);
    }

    public KmsConfig withLimits(LimitsConfig newLimits) {
        return new KmsConfig(bindAddress, port, dataDir, databaseUrl, databaseUser, databasePassword, hostnames,
                trustDomain, cryptoProvider, maxRequestBytes, keyCacheSize, aeadInvocationLimit, rotationSchedule,
                rotationGracePeriod, maxUsagePerDayDefault, clientCertificateTtl, serverCertificateTtl, receiptWebhookUrl,
                events, jwt, lifecycle, approvals, newLimits, pki, masterKey);
    }

    public KmsConfig withPki(PkiConfig settings) {
        return new KmsConfig(bindAddress, port, dataDir, databaseUrl, databaseUser, databasePassword, hostnames,
                trustDomain, cryptoProvider, maxRequestBytes, keyCacheSize, aeadInvocationLimit, rotationSchedule,
                rotationGracePeriod, maxUsagePerDayDefault, clientCertificateTtl, serverCertificateTtl, receiptWebhookUrl,
                events, jwt, lifecycle, approvals, limits, settings, masterKey);
    }

    public KmsConfig withMasterKey(MasterKeySettings settings) {
        return new KmsConfig(bindAddress, port, dataDir, databaseUrl, databaseUser, databasePassword, hostnames,
                trustDomain, cryptoProvider, maxRequestBytes, keyCacheSize, aeadInvocationLimit, rotationSchedule,
                rotationGracePeriod, maxUsagePerDayDefault, clientCertificateTtl, serverCertificateTtl, receiptWebhookUrl,
                events, jwt, lifecycle, approvals, limits, pki, settings);
    }

    /** The base URL relying parties reach this service at: CRL distribution points and OCSP URLs name it. */
    public java.net.URI publicUrl(int boundPort) {
        if (pki.publicUrl() != null) {
            return pki.publicUrl();
        }
        String host = hostnames.stream().filter(h -> !h.contains("*")).findFirst().orElse("127.0.0.1");
        return java.net.URI.create("https://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + boundPort);
    }
}
