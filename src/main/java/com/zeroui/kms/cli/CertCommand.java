package com.zeroui.kms.cli;

import com.zeroui.kms.app.DataDirectory;
import com.zeroui.kms.app.StartupException;
import com.zeroui.kms.auth.Role;
import com.zeroui.kms.auth.SpiffeIdentities;
import com.zeroui.kms.trust.CertificateAuthority;
import java.nio.file.Path;
import java.time.Clock;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "cert", mixinStandardHelpOptions = true, description = "Client certificates from the internal CA",
        subcommands = CertCommand.Issue.class)
final class CertCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "issue", mixinStandardHelpOptions = true,
            description = "Issue a client certificate: writes DIR/cert.pem, DIR/key.pem (0600) and DIR/ca.pem")
    static final class Issue implements Callable<Integer> {
        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Mixin
        StoreOptions store;

        @Option(names = "--module-id", required = true, description = "Module id, e.g. M21")
        String moduleId;

        @Option(names = "--tenant-id", description = "Bind the certificate to this tenant (omit for a platform module: tenant GLOBAL)")
        String tenantId;

        @Option(names = "--role", description = "admin or approver, repeatable")
        List<String> roles = List.of();

        @Option(names = "--out", required = true, description = "Output directory")
        Path out;

        @Override
        public Integer call() {
            Set<Role> parsed = EnumSet.noneOf(Role.class);
            for (String r : roles) {
                parsed.add(Role.fromApiName(r).orElseThrow(() ->
                        new picocli.CommandLine.ParameterException(spec.commandLine(), "--role must be admin or approver: " + r)));
            }
            try {
                SpiffeIdentities.requireId("--module-id", moduleId);
                if (tenantId != null) {
                    SpiffeIdentities.requireId("--tenant-id", tenantId);
                }
            } catch (IllegalArgumentException e) {
                System.err.println("kms: " + e.getMessage());
                return 2;
            }
            try (DataDirectory dir = DataDirectory.open(store.toConfig(), Clock.systemUTC())) {
                CertificateAuthority ca = dir.ca();
                CertificateAuthority.ClientCredential credential = ca.issueClient(moduleId, tenantId, parsed,
                        dir.clientCertificateTtl());
                ca.writeCredential(credential, out.resolve("cert.pem"), out.resolve("key.pem"), out.resolve("ca.pem"));
                System.out.println("kms: issued " + credential.certificate().getSubjectX500Principal().getName()
                        + " serial " + credential.certificate().getSerialNumber().toString(16) + " to " + out.toAbsolutePath());
                return 0;
            } catch (StartupException | java.io.IOException e) {
                System.err.println("kms: cert issue failed: " + e.getMessage());
                return 2;
            }
        }
    }
}
