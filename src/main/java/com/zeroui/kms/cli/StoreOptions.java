package com.zeroui.kms.cli;

import com.zeroui.kms.crypto.CryptoSuite;
import com.zeroui.kms.ops.KmsConfig;
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
            description = "Database user (PostgreSQL). Env KMS_DATABASE_USER")
    String databaseUser;

    @Option(names = "--trust-domain", defaultValue = "${env:KMS_TRUST_DOMAIN:-zeroui.local}",
            description = "SPIFFE trust domain of caller identities. Env KMS_TRUST_DOMAIN. Default: ${DEFAULT-VALUE}")
    String trustDomain;

    @Option(names = "--receipt-webhook-url", defaultValue = "${env:KMS_RECEIPT_WEBHOOK_URL}",
            description = "Forward every receipt, at least once, to this URL (the evidence ledger M27). Env KMS_RECEIPT_WEBHOOK_URL")
    String receiptWebhookUrl;

    KmsConfig toConfig(String bind, int port, List<String> hostnames, CryptoSuite.Preference provider, long maxRequestBytes) {
        KmsConfig d = KmsConfig.defaults(dataDir);
        // The password only comes from the environment: command lines are visible to every local user.
        String password = System.getenv("KMS_DATABASE_PASSWORD");
        return new KmsConfig(bind, port, dataDir, databaseUrl, databaseUser, password, new ArrayList<>(hostnames),
                trustDomain, provider, maxRequestBytes, d.keyCacheSize(), d.aeadInvocationLimit(), d.rotationSchedule(),
                d.rotationGracePeriod(), d.maxUsagePerDayDefault(), d.clientCertificateTtl(), d.serverCertificateTtl(),
                receiptWebhookUrl == null || receiptWebhookUrl.isBlank() ? null : java.net.URI.create(receiptWebhookUrl),
                null, null);
    }

    KmsConfig toConfig() {
        KmsConfig d = KmsConfig.defaults(dataDir);
        return toConfig(d.bindAddress(), d.port(), List.of(), CryptoSuite.Preference.AUTO, d.maxRequestBytes());
    }
}
