package com.zeroui.kms.cli.remote;

import com.zeroui.kms.client.KmsClient;
import com.zeroui.kms.client.Scope;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Which server, with which credentials, in which scope: flags or the environment (like VAULT_ADDR).
 * Hidden from each command's help (they are the same everywhere); the help footer names them once.
 */
public final class ConnectionOptions {
    static final String FOOTER = "%nServer, credentials and scope (every command; docs/cli.md):%n"
            + "  --url          KMS_URL          --tenant  KMS_TENANT%n"
            + "  --client-cert  KMS_CLIENT_CERT  --env     KMS_ENVIRONMENT (dev)%n"
            + "  --client-key   KMS_CLIENT_KEY   --plane   KMS_PLANE (tenant)%n"
            + "  --ca-cert      KMS_CA_CERT";

    @Option(names = "--url", hidden = true, defaultValue = "${env:KMS_URL}", description = "https://host:port of the KMS")
    String url;

    @Option(names = "--client-cert", hidden = true, defaultValue = "${env:KMS_CLIENT_CERT}", description = "client certificate (PEM)")
    Path cert;

    @Option(names = "--client-key", hidden = true, defaultValue = "${env:KMS_CLIENT_KEY}", description = "its PKCS#8 key (PEM)")
    Path key;

    @Option(names = "--ca-cert", hidden = true, defaultValue = "${env:KMS_CA_CERT}", description = "CA to trust (PEM)")
    Path ca;

    @Option(names = "--tenant", hidden = true, defaultValue = "${env:KMS_TENANT}", description = "tenant of the keys")
    String tenant;

    @Option(names = "--env", hidden = true, defaultValue = "${env:KMS_ENVIRONMENT:-dev}", description = "dev, staging or prod")
    String environment;

    @Option(names = "--plane", hidden = true, defaultValue = "${env:KMS_PLANE:-tenant}", description = "laptop, tenant, product, shared")
    String plane;

    /** A client for the configured server; usage errors name the flag and the variable to set. */
    KmsClient client() {
        if (url == null || url.isBlank()) {
            throw new UsageException("no server: pass --url https://HOST:PORT or set KMS_URL");
        }
        if (ca == null) {
            throw new UsageException("no CA to trust: pass --ca-cert FILE or set KMS_CA_CERT");
        }
        requireFile(ca, "--ca-cert / KMS_CA_CERT");
        KmsClient.Builder b = KmsClient.builder(url);
        if (cert != null || key != null) {
            if (cert == null || key == null) {
                throw new UsageException("a client certificate needs both --client-cert and --client-key (KMS_CLIENT_CERT, KMS_CLIENT_KEY)");
            }
            requireFile(cert, "--client-cert / KMS_CLIENT_CERT");
            requireFile(key, "--client-key / KMS_CLIENT_KEY");
            b.mtls(cert, key, ca);
        } else {
            b.trust(ca);
        }
        if (tenant != null && !tenant.isBlank()) {
            b.scope(new Scope(tenant, environment, plane));
        }
        return b.build();
    }

    /** The same client, failing early when a key operation has no tenant to address. */
    KmsClient scopedClient() {
        if (tenant == null || tenant.isBlank()) {
            throw new UsageException("no tenant: pass --tenant NAME or set KMS_TENANT");
        }
        return client();
    }

    private static void requireFile(Path p, String what) {
        if (!Files.isReadable(p)) {
            throw new UsageException(what + ": cannot read " + p);
        }
    }
}
