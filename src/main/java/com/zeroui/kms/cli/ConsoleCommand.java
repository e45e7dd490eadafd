package com.zeroui.kms.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code kms console login}: the operator console's sign-in, vouched for by the caller's client certificate. */
@Command(name = "console", mixinStandardHelpOptions = true, footer = "%nExample: ./kms console login --url https://127.0.0.1:8443", description = "The operator console (docs/console.md)",
        subcommands = {ConsoleCommand.Login.class})
final class ConsoleCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "login", mixinStandardHelpOptions = true, footer = "%nExample: ./kms console login --cert me/cert.pem --key me/key.pem",
            description = "Prints a one-time URL (valid 2 minutes) that signs a browser into the console as the identity"
                    + " of your client certificate, with its roles and tenant")
    static final class Login implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        ClientCertOptions server;

        @Override
        public Integer call() {
            try {
                JsonNode link = server.client()
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
