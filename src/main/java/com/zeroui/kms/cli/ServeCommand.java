package com.zeroui.kms.cli;

import com.zeroui.kms.app.KmsNode;
import com.zeroui.kms.app.StartupException;
import com.zeroui.kms.crypto.CryptoSuite;
import com.zeroui.kms.ops.KmsConfig;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "serve", mixinStandardHelpOptions = true, footer = "%nExample: ./kms serve --data-dir kms-data --port 8443", description = "Run the KMS over HTTPS with mutual TLS")
final class ServeCommand implements Callable<Integer> {
    @Mixin
    StoreOptions store;

    @Mixin
    JwtOptions jwt;

    @Mixin
    GovernanceOptions governance;

    @Mixin
    PkiOptions pki;

    @Mixin
    BackupOptions backup;

    @Option(names = "--bind", defaultValue = "${env:KMS_BIND:-127.0.0.1}", description = "Address to listen on. Env KMS_BIND. Default: ${DEFAULT-VALUE}")
    String bind;

    @Option(names = "--port", defaultValue = "${env:KMS_PORT:-8443}", description = "HTTPS port (0 = any free). Env KMS_PORT. Default: ${DEFAULT-VALUE}")
    int port;

    @Option(names = "--hostname", description = "Extra server certificate name (DNS or IP), besides localhost, 127.0.0.1 and ::1; repeatable. Env KMS_HOSTNAMES (comma-separated)")
    List<String> hostnames = new ArrayList<>();

    @Option(names = "--crypto-provider", defaultValue = "${env:KMS_CRYPTO_PROVIDER:-auto}",
            description = "auto (AWS-LC where it loads, else the JDK), accp (fail if AWS-LC does not load), jdk, or fips (same as --fips). Env KMS_CRYPTO_PROVIDER. Default: ${DEFAULT-VALUE}")
    CryptoSuite.Preference provider;

    @Option(names = "--fips", arity = "0..1", fallbackValue = "true", defaultValue = "${env:KMS_FIPS:-false}",
            description = "FIPS 140-3 mode: the Bouncy Castle FIPS module (approved-only) serves every key operation, "
                    + "X.509 and TLS; non-approved algorithms are refused (docs/fips.md). Env KMS_FIPS. Default: ${DEFAULT-VALUE}")
    boolean fips;

    @Option(names = "--max-request-bytes", defaultValue = "${env:KMS_MAX_REQUEST_BYTES:-1048576}",
            description = "Largest accepted request body in bytes (1 MiB); larger bodies get 413. Env KMS_MAX_REQUEST_BYTES. Default: ${DEFAULT-VALUE}")
    long maxRequestBytes;

    @Override
    public Integer call() throws InterruptedException {
        List<String> names = new ArrayList<>(hostnames);
        String fromEnv = System.getenv("KMS_HOSTNAMES");
        if (fromEnv != null && !fromEnv.isBlank()) {
            Arrays.stream(fromEnv.split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(names::add);
        }
        KmsNode node;
        KmsConfig config;
        try {
            config = governance.applyTo(store.configBuilder(bind, port, names, fips ? CryptoSuite.Preference.FIPS : provider,
                            maxRequestBytes))
                    .jwt(jwt.settings())
                    .pki(pki.settings())
                    .build();
            node = KmsNode.start(config, Clock.systemUTC(), backup.schedule());
        } catch (StartupException | IllegalArgumentException | IllegalStateException e) {
            System.err.println("kms: cannot start: " + e.getMessage());
            return 2;
        }
        String host = config.bindAddress().contains(":") ? "[" + config.bindAddress() + "]" : config.bindAddress();
        String url = "https://" + ("0.0.0.0".equals(host) ? "127.0.0.1" : host) + ":" + node.port();
        var tls = config.tlsDir();
        System.out.println("kms: listening on " + url + " (TLS 1.3/1.2, client certificates from the internal CA)");
        System.out.println("kms: crypto provider " + node.crypto().preferredProvider() + "; data directory " + config.dataDir());
        System.out.println("kms: admin credentials: " + tls.resolve("admin.pem") + " and " + tls.resolve("admin.key")
                + "; CA: " + tls.resolve("ca.pem"));
        System.out.println("kms: try: curl --cacert " + tls.resolve("ca.pem") + " --cert " + tls.resolve("admin.pem")
                + " --key " + tls.resolve("admin.key") + " " + url + "/kms/v1/keys");
        return GracefulStop.awaitSigterm(node);
    }
}
