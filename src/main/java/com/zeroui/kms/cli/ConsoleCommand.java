package com.zeroui.kms.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code kms console login}: the operator console's sign-in, vouched for by the caller's client certificate. */
@Command(name = "console", mixinStandardHelpOptions = true, description = "The operator console (docs/console.md)",
        subcommands = {ConsoleCommand.Login.class})
final class ConsoleCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "login", mixinStandardHelpOptions = true,
            description = "Prints a one-time URL (valid 2 minutes) that signs a browser into the console as the identity"
                    + " of your client certificate, with its roles and tenant")
    static final class Login implements Callable<Integer> {
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

        @Override
        public Integer call() {
            Path certFile = cert != null ? cert : dataDir.resolve("tls/admin.pem");
            Path keyFile = key != null ? key : dataDir.resolve("tls/admin.key");
            Path caFile = ca != null ? ca : cert != null ? cert.toAbsolutePath().resolveSibling("ca.pem") : dataDir.resolve("tls/ca.pem");
            try {
                JsonNode link = new EnrollmentClient(url, certFile, keyFile, caFile)
                        .post("/console/login-links", EnrollmentClient.emptyBody(), 201);
                System.out.println(link.path("url").asText());
                System.err.println("Open this URL in a browser within 2 minutes (it works once) to sign in as "
                        + link.path("spiffe_id").asText() + "; it expires at " + link.path("expires_at").asText() + ".");
                return 0;
            } catch (IOException | EnrollmentClient.EnrollmentException e) {
                System.err.println("console login failed: " + e.getMessage());
                return 1;
            }
        }
    }
}
