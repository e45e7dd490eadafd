package com.zeroui.kms.cli;

import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The server URL and client certificate of a CLI command that calls the API (a picocli mixin). */
final class ClientCertOptions {
    @Option(names = "--url", defaultValue = "https://127.0.0.1:8443", description = "Server base URL. Default: ${DEFAULT-VALUE}")
    String url;

    @Option(names = "--data-dir", defaultValue = "${env:KMS_DATA_DIR:-kms-data}",
            description = "Data directory whose tls/admin.pem is the default certificate. Default: ${DEFAULT-VALUE}")
    Path dataDir;

    @Option(names = "--cert", description = "Client certificate (PEM, leaf first). Default: DATA_DIR/tls/admin.pem")
    Path cert;

    @Option(names = "--key", description = "Its PKCS#8 private key. Default: DATA_DIR/tls/admin.key")
    Path key;

    @Option(names = "--ca", description = "Root CA to trust. Default: ca.pem next to --cert, else DATA_DIR/tls/ca.pem")
    Path ca;

    EnrollmentClient client() throws IOException {
        Path certFile = cert != null ? cert : dataDir.resolve("tls/admin.pem");
        Path keyFile = key != null ? key : dataDir.resolve("tls/admin.key");
        Path caFile = ca != null ? ca : cert != null ? cert.toAbsolutePath().resolveSibling("ca.pem") : dataDir.resolve("tls/ca.pem");
        return new EnrollmentClient(url, certFile, keyFile, caFile);
    }
}
