package com.zeroui.kms.cli;

import com.zeroui.kms.app.DataDirectory;
import com.zeroui.kms.app.StartupException;
import com.zeroui.kms.auth.Role;
import com.zeroui.kms.auth.SpiffeId;
import com.zeroui.kms.auth.SpiffeIdentities;
import com.zeroui.kms.crypto.Pem;
import com.zeroui.kms.trust.CertificateAuthority;
import com.zeroui.kms.trust.InternalCa;
import com.zeroui.kms.trust.pki.SigningRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.bouncycastle.asn1.x509.GeneralName;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "cert", mixinStandardHelpOptions = true, footer = "%nExample: ./kms cert issue --module-id M21 --out m21/", description = "Client certificates from the internal CA",
        subcommands = {CertCommand.Issue.class, CertCommand.Renew.class})
final class CertCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** How {@code --url} callers authenticate: a client certificate, by default the data directory's admin. */
    static final class Credentials {
        @Option(names = "--url", description = "Enroll through a running server's API, e.g. https://127.0.0.1:8443:"
                + " the key pair is made here and only a CSR is sent")
        String url;

        @Option(names = "--cert", description = "Client certificate (PEM, leaf first) for --url. Default: DATA_DIR/tls/admin.pem")
        Path cert;

        @Option(names = "--key", description = "Its PKCS#8 private key. Default: DATA_DIR/tls/admin.key")
        Path key;

        @Option(names = "--ca", description = "Root CA to trust for --url. Default: ca.pem next to --cert, else DATA_DIR/tls/ca.pem")
        Path ca;

        @Option(names = "--ttl", description = "Certificate lifetime as an ISO-8601 duration, e.g. P30D or PT12H"
                + " (default: the server's, 365 days; bounded by its maximum, KMS_MAX_CERTIFICATE_TTL)")
        Duration ttl;

        Path certFile(Path dataDir) {
            return cert != null ? cert : dataDir.resolve("tls/admin.pem");
        }

        Path keyFile(Path dataDir) {
            return key != null ? key : dataDir.resolve("tls/admin.key");
        }

        Path caFile(Path dataDir) {
            if (ca != null) {
                return ca;
            }
            return cert != null ? cert.toAbsolutePath().resolveSibling("ca.pem") : dataDir.resolve("tls/ca.pem");
        }

        EnrollmentClient client(Path dataDir) throws java.io.IOException {
            return new EnrollmentClient(url, certFile(dataDir), keyFile(dataDir), caFile(dataDir));
        }
    }

    /** A fresh P-256 key pair and a CSR for {@code uris}; only the CSR leaves this process. */
    static EnrollmentClient.Enrolled enrollWithNewKey(EnrollmentClient client, List<String> uris, Duration ttl,
                                                     Path certFile, Path keyFile, Path caFile)
            throws java.io.IOException, EnrollmentClient.EnrollmentException {
        KeyPair keys = InternalCa.newEcKeyPair();
        List<GeneralName> sans = uris.stream().map(u -> new GeneralName(GeneralName.uniformResourceIdentifier, u)).toList();
        EnrollmentClient.Enrolled enrolled = client.enroll(SigningRequest.create(keys, sans), "client", ttl);
        EnrollmentClient.write(enrolled, Pem.privateKey(keys.getPrivate()), certFile, keyFile, caFile);
        return enrolled;
    }

    @Command(name = "issue", mixinStandardHelpOptions = true, footer = "%nExample: ./kms cert issue --module-id M21 --tenant-id acme --out m21/",
            description = "Issue a client certificate: writes DIR/cert.pem, DIR/key.pem (0600) and DIR/ca.pem."
                    + " With --url through the server's API (CSR only), else directly on the data directory")
    static final class Issue implements Callable<Integer> {
        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Mixin
        StoreOptions store;

        @Option(names = "--module-id", required = true, description = "Module id, e.g. M21")
        String moduleId;

        @Option(names = "--tenant-id", description = "Bind the certificate to this tenant (omit for a platform module: tenant GLOBAL)")
        String tenantId;

        @Option(names = "--role", description = "admin, approver or auditor, repeatable")
        List<String> roles = List.of();

        @Option(names = "--out", required = true, description = "Output directory")
        Path out;

        @Mixin
        Credentials credentials;

        @Override
        public Integer call() {
            Set<Role> parsed = EnumSet.noneOf(Role.class);
            for (String r : roles) {
                parsed.add(Role.fromApiName(r).orElseThrow(() ->
                        new picocli.CommandLine.ParameterException(spec.commandLine(), "--role must be admin, approver or auditor: " + r)));
            }
            try {
                SpiffeIdentities.requireId("--module-id", moduleId);
                if (tenantId != null) {
                    SpiffeIdentities.requireId("--tenant-id", tenantId);
                }
                new SpiffeId(store.trustDomain, tenantId, moduleId); // refuses --tenant-id GLOBAL (leave it out)
            } catch (IllegalArgumentException e) {
                System.err.println("kms: " + e.getMessage());
                return 2;
            }
            if (credentials.url != null) {
                return issueThroughApi(parsed);
            }
            try (DataDirectory dir = DataDirectory.open(store.toConfig(), Clock.systemUTC())) {
                CertificateAuthority ca = dir.ca();
                CertificateAuthority.ClientCredential credential = ca.issueClient(moduleId, tenantId, parsed,
                        credentials.ttl != null ? credentials.ttl : dir.clientCertificateTtl());
                ca.writeCredential(credential, out.resolve("cert.pem"), out.resolve("key.pem"), out.resolve("ca.pem"));
                System.out.println("kms: issued " + credential.certificate().getSubjectX500Principal().getName()
                        + " serial " + credential.certificate().getSerialNumber().toString(16) + " to " + out.toAbsolutePath());
                return 0;
            } catch (StartupException | java.io.IOException e) {
                System.err.println("kms: cert issue failed: " + e.getMessage());
                return 2;
            }
        }

        private int issueThroughApi(Set<Role> roles) {
            List<String> uris = new java.util.ArrayList<>();
            uris.add(new SpiffeIdentities(store.trustDomain).spiffeId(tenantId, moduleId));
            roles.stream().sorted().forEach(r -> uris.add(r.urn()));
            try {
                EnrollmentClient.Enrolled enrolled = enrollWithNewKey(credentials.client(store.dataDir), uris, credentials.ttl,
                        out.resolve("cert.pem"), out.resolve("key.pem"), out.resolve("ca.pem"));
                System.out.println("kms: issued " + enrolled.subject() + " serial " + enrolled.serial() + " (valid until "
                        + enrolled.notAfter() + ") to " + out.toAbsolutePath());
                return 0;
            } catch (java.io.IOException | EnrollmentClient.EnrollmentException | IllegalArgumentException e) {
                System.err.println("kms: cert issue failed: " + e.getMessage());
                return 2;
            }
        }
    }

    @Command(name = "renew", mixinStandardHelpOptions = true, footer = "%nExample: ./kms cert renew --cert m21/cert.pem --key m21/key.pem",
            description = "Renew a client certificate through the server's API: a new key pair and a CSR for the same"
                    + " identity (SPIFFE ID and roles), authenticated by the certificate being renewed. Writes to --out,"
                    + " or replaces the --cert, --key and --ca files")
    static final class Renew implements Callable<Integer> {
        @Mixin
        StoreOptions store;

        @Mixin
        Credentials credentials;

        @Option(names = "--out", description = "Output directory for cert.pem, key.pem and ca.pem (default: replace the files in place)")
        Path out;

        @Override
        public Integer call() {
            if (credentials.url == null) {
                System.err.println("kms: cert renew needs --url (the running server; renewal goes through its API)");
                return 2;
            }
            Path certFile = credentials.certFile(store.dataDir);
            try {
                List<X509Certificate> current = Pem.parseCertificates(Files.readString(certFile));
                if (current.isEmpty()) {
                    throw new java.io.IOException("no certificate in " + certFile);
                }
                List<String> uris = uriSans(current.get(0));
                EnrollmentClient client = credentials.client(store.dataDir);
                EnrollmentClient.Enrolled enrolled = out == null
                        ? enrollWithNewKey(client, uris, credentials.ttl, certFile, credentials.keyFile(store.dataDir),
                        credentials.caFile(store.dataDir))
                        : enrollWithNewKey(client, uris, credentials.ttl, out.resolve("cert.pem"), out.resolve("key.pem"),
                        out.resolve("ca.pem"));
                System.out.println("kms: renewed " + enrolled.subject() + ": serial " + enrolled.serial() + " replaces "
                        + current.get(0).getSerialNumber().toString(16) + " (valid until " + enrolled.notAfter() + ")");
                return 0;
            } catch (java.io.IOException | EnrollmentClient.EnrollmentException | IllegalArgumentException e) {
                System.err.println("kms: cert renew failed: " + e.getMessage());
                return 2;
            }
        }

        private static List<String> uriSans(X509Certificate certificate) throws java.io.IOException {
            try {
                var sans = certificate.getSubjectAlternativeNames();
                List<String> uris = sans == null ? List.of() : sans.stream()
                        .filter(san -> Integer.valueOf(GeneralName.uniformResourceIdentifier).equals(san.get(0)))
                        .map(san -> (String) san.get(1)).toList();
                if (uris.isEmpty()) {
                    throw new java.io.IOException("the certificate to renew carries no URI SAN identity");
                }
                return uris;
            } catch (java.security.cert.CertificateParsingException e) {
                throw new java.io.IOException("cannot read the certificate to renew: " + e.getMessage(), e);
            }
        }
    }
}
