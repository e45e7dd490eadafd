package com.zeroui.kms.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code kms compliance report}: GET /kms/v1/compliance, printed for a reviewer. */
@Command(name = "compliance", mixinStandardHelpOptions = true, footer = "%nExample: ./kms compliance report", description = "The live compliance report",
        subcommands = {ComplianceCommand.Report.class})
final class ComplianceCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    enum Format { json, markdown }

    @Command(name = "report", mixinStandardHelpOptions = true, footer = "%nExample: ./kms compliance report --url https://127.0.0.1:8443",
            description = "Prints each control's status and evidence; exits 0 when nothing fails, 2 when an item fails, "
                    + "1 when the report could not be fetched. Needs an admin or auditor certificate.")
    static final class Report implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        ClientCertOptions server;

        @Option(names = "--format", defaultValue = "markdown", description = "json or markdown. Default: ${DEFAULT-VALUE}")
        Format format;

        @Override
        public Integer call() {
            try {
                JsonNode report = server.client().get("/compliance");
                System.out.print(format == Format.json
                        ? new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(report) + "\n"
                        : ComplianceMarkdown.render(report));
                return "fail".equals(report.path("status").asText()) ? 2 : 0;
            } catch (IOException | EnrollmentClient.EnrollmentException e) {
                System.err.println("compliance report failed: " + e.getMessage());
                return 1;
            }
        }
    }
}
