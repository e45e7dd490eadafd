package com.zeroui.kms.trust.validation;

import static com.zeroui.kms.trust.validation.TestPki.NOW;
import static com.zeroui.kms.trust.validation.TestPki.cert;
import static com.zeroui.kms.trust.validation.TestPki.crl;
import static com.zeroui.kms.trust.validation.TestPki.dnsName;
import static com.zeroui.kms.trust.validation.TestPki.ipRange;
import static org.assertj.core.api.Assertions.assertThat;

import com.zeroui.kms.crypto.Pem;
import com.zeroui.kms.trust.validation.TestPki.Issued;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509CRL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The same chains through our validator and through the real {@code openssl verify -x509_strict}:
 * both accept the good ones and both refuse the bad ones, on the rules where OpenSSL is strict too.
 */
class OpenSslAgreementTest {
    private static final Issued ROOT = TestPki.root("Root");
    private static final Issued CA = TestPki.intermediate("Intermediate", ROOT);

    /** One scenario; {@code opensslSays} is a fragment of OpenSSL's error text, or "OK". */
    record Case(String name, Issued leaf, List<Issued> intermediates, Purpose purpose, String hostname,
                List<X509CRL> crls, boolean strongAuthLevel, ReasonCode expected, String opensslSays, Profile profile,
                Issued root) {
        Case(String name, Issued leaf, List<Issued> intermediates, Purpose purpose, String hostname,
             List<X509CRL> crls, boolean strongAuthLevel, ReasonCode expected, String opensslSays) {
            this(name, leaf, intermediates, purpose, hostname, crls, strongAuthLevel, expected, opensslSays,
                    Profile.RFC5280, ROOT);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private static Case ok(String name, Issued leaf, Issued issuer) {
        return new Case(name, leaf, List.of(issuer), Purpose.SERVER_AUTH, null, List.of(), false, ReasonCode.OK, "OK");
    }

    private static Case bad(String name, Issued leaf, List<Issued> intermediates, ReasonCode expected, String opensslSays) {
        return new Case(name, leaf, intermediates, Purpose.SERVER_AUTH, null, List.of(), false, expected, opensslSays);
    }

    static Stream<Case> cases() {
        Issued leaf = TestPki.leaf("www.example.com", CA);
        Issued dnsCa = cert("CN=DNS CA,O=Test").issuer(ROOT).ca().nameConstraints(List.of(dnsName("example.com")), null).build();
        Issued ipCa = cert("CN=IP CA,O=Test").issuer(ROOT).ca()
                .nameConstraints(null, List.of(ipRange("10.9.0.0", "255.255.0.0"))).build();
        Issued ca0 = cert("CN=CA0,O=Test").issuer(ROOT).ca(0).build();
        Issued sub = TestPki.intermediate("Sub", ca0);
        Issued foreignRoot = TestPki.root("Foreign");
        Issued foreignCa = TestPki.intermediate("Foreign CA", foreignRoot);
        Issued rsaCa = cert("CN=RSA CA,O=Test").issuer(ROOT).ca().keys(TestPki.rsa(2048)).build();
        Issued noCertSign = cert("CN=No certsign,O=Test").issuer(ROOT).basicConstraints(true, new BasicConstraints(true))
                .keyUsage(KeyUsage.cRLSign).build();
        Issued laxCa = cert("CN=Lax CA,O=Test").issuer(ROOT).basicConstraints(false, new BasicConstraints(true))
                .keyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign).build();
        Issued noSkiCa = cert("CN=No SKI CA,O=Test").issuer(ROOT).ca().without(Extension.subjectKeyIdentifier).build();
        X509CRL caCrl = crl(CA).build();
        X509CRL rootCrl = crl(ROOT).build();

        List<Case> cases = new ArrayList<>();
        cases.add(new Case("valid server chain with hostname", leaf, List.of(CA), Purpose.SERVER_AUTH, "www.example.com",
                List.of(), true, ReasonCode.OK, "OK"));
        cases.add(new Case("valid chain with current CRLs", leaf, List.of(CA), Purpose.SERVER_AUTH, null,
                List.of(caCrl, rootCrl), true, ReasonCode.OK, "OK"));
        cases.add(ok("valid RSA-PSS leaf under an RSA CA",
                cert("CN=pss.example").issuer(rsaCa).leaf().signatureAlgorithm("SHA256WITHRSAANDMGF1").build(), rsaCa));
        cases.add(new Case("name-constrained CA, leaf inside", TestPki.leaf("a.example.com", dnsCa), List.of(dnsCa),
                Purpose.SERVER_AUTH, null, List.of(), false, ReasonCode.OK, "OK"));
        cases.add(bad("expired leaf", cert("CN=old").issuer(CA).leaf()
                .validity(NOW.minus(Duration.ofDays(100)), NOW.minus(Duration.ofDays(1))).build(), List.of(CA),
                ReasonCode.EXPIRED, "certificate has expired"));
        cases.add(bad("not yet valid leaf", cert("CN=new").issuer(CA).leaf()
                .validity(NOW.plus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(100))).build(), List.of(CA),
                ReasonCode.NOT_YET_VALID, "certificate is not yet valid"));
        cases.add(bad("bad signature", cert("CN=bad").issuer(CA).leaf().corruptSignature().build(), List.of(CA),
                ReasonCode.BAD_SIGNATURE, "certificate signature failure"));
        cases.add(bad("leaf without AKI", cert("CN=noaki").issuer(CA).leaf().without(Extension.authorityKeyIdentifier)
                .build(), List.of(CA), ReasonCode.MISSING_AKI, "Missing Authority Key Identifier"));
        cases.add(bad("CA without SKI", TestPki.leaf("a.example", noSkiCa), List.of(noSkiCa), ReasonCode.MISSING_SKI,
                "Missing Subject Key Identifier"));
        cases.add(bad("CA with non-critical basicConstraints", TestPki.leaf("a.example", laxCa), List.of(laxCa),
                ReasonCode.BASIC_CONSTRAINTS, "Basic Constraints of CA cert not marked critical"));
        cases.add(bad("CA without keyCertSign", TestPki.leaf("a.example", noCertSign), List.of(noCertSign),
                ReasonCode.KEY_USAGE, "key usage does not include certificate signing"));
        cases.add(bad("unknown critical extension", cert("CN=crit").issuer(CA).leaf().unknownExt(true).build(), List.of(CA),
                ReasonCode.UNKNOWN_CRITICAL_EXTENSION, "unhandled critical extension"));
        cases.add(bad("DNS name outside permitted subtree", TestPki.leaf("www.evil.com", dnsCa), List.of(dnsCa),
                ReasonCode.NAME_CONSTRAINTS, "permitted subtree violation"));
        cases.add(bad("IP in excluded subtree", cert("CN=ip").issuer(ipCa).leaf().ip("10.9.1.1").build(), List.of(ipCa),
                ReasonCode.NAME_CONSTRAINTS, "excluded subtree violation"));
        cases.add(bad("path length exceeded", TestPki.leaf("a.example", sub), List.of(sub, ca0),
                ReasonCode.PATH_LENGTH_EXCEEDED, "path length constraint exceeded"));
        cases.add(bad("chain to an untrusted root", TestPki.leaf("a.example", foreignCa), List.of(foreignCa, foreignRoot),
                ReasonCode.UNTRUSTED_ROOT, "self-signed certificate in certificate chain"));
        cases.add(bad("missing intermediate", leaf, List.of(), ReasonCode.PATH_NOT_FOUND,
                "unable to get local issuer certificate"));
        cases.add(bad("client-only leaf used as server", cert("CN=client").issuer(CA).leaf()
                .eku(KeyPurposeId.id_kp_clientAuth).build(), List.of(CA), ReasonCode.EXTENDED_KEY_USAGE,
                "unsuitable certificate purpose"));
        cases.add(new Case("hostname mismatch", leaf, List.of(CA), Purpose.SERVER_AUTH, "mail.example.com", List.of(),
                false, ReasonCode.HOSTNAME_MISMATCH, "hostname mismatch"));
        cases.add(new Case("revoked leaf", leaf, List.of(CA), Purpose.SERVER_AUTH, null,
                List.of(crl(CA).revoke(leaf).build(), rootCrl), false, ReasonCode.REVOKED, "certificate revoked"));
        cases.add(new Case("stale CRL", leaf, List.of(CA), Purpose.SERVER_AUTH, null,
                List.of(crl(CA).updates(NOW.minus(Duration.ofDays(10)), NOW.minus(Duration.ofDays(2))).build(), rootCrl),
                false, ReasonCode.CRL_EXPIRED, "CRL has expired"));
        cases.add(new Case("SHA-1 signature", cert("CN=sha1").issuer(rsaCa).leaf().signatureAlgorithm("SHA1withRSA")
                .build(), List.of(rsaCa), Purpose.SERVER_AUTH, null, List.of(), true, ReasonCode.WEAK_ALGORITHM,
                "too weak"));
        cases.add(new Case("RSA-1024 leaf key", cert("CN=small").issuer(CA).leaf().keys(TestPki.rsa(1024)).build(),
                List.of(CA), Purpose.SERVER_AUTH, null, List.of(), true, ReasonCode.WEAK_ALGORITHM, "too weak"));
        // issue 11 §6: where the new rules meet OpenSSL's strict mode
        Issued noKuCa = cert("CN=No KU CA,O=Test").issuer(ROOT).basicConstraints(true, new BasicConstraints(true)).build();
        cases.add(new Case("webpki: CA without keyUsage", TestPki.leaf("a.example", noKuCa), List.of(noKuCa),
                Purpose.SERVER_AUTH, null, List.of(), false, ReasonCode.KEY_USAGE, "key usage", Profile.WEBPKI, ROOT));
        Issued zeroRoot = cert("CN=Zero Root,O=Test").ca().serial(java.math.BigInteger.ZERO).build();
        Issued underZero = TestPki.intermediate("Under Zero", zeroRoot);
        cases.add(new Case("trust anchor with serial number 0", TestPki.leaf("a.example", underZero), List.of(underZero),
                Purpose.SERVER_AUTH, null, List.of(), false, ReasonCode.OK, "OK", Profile.RFC5280, zeroRoot));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void ourVerdictAgreesWithOpenSsl(Case c, @TempDir Path dir) throws Exception {
        ValidationRequest.Builder request = Chains.request(c.leaf(), c.intermediates(), c.root()).purpose(c.purpose())
                .profile(c.profile())
                .hostname(c.hostname()).crls(c.crls())
                .revocationMode(c.crls().isEmpty() ? RevocationMode.NONE : RevocationMode.REQUIRE);
        ValidationResult ours = Chains.VALIDATOR.validate(request.build());
        assertThat(ours.reason()).as(ours.detail()).isEqualTo(c.expected());

        OpenSsl theirs = openSslVerify(c, dir);
        assertThat(theirs.ok()).as("openssl says: " + theirs.output()).isEqualTo(ours.valid());
        if (!ours.valid()) {
            assertThat(theirs.output()).containsIgnoringCase(c.opensslSays());
        }
    }

    record OpenSsl(boolean ok, String output) {
    }

    private static OpenSsl openSslVerify(Case c, Path dir) throws Exception {
        Path rootFile = write(dir, "root.pem", c.root().pem());
        StringBuilder chain = new StringBuilder();
        c.intermediates().forEach(i -> chain.append(i.pem()));
        Path leafFile = write(dir, "leaf.pem", c.leaf().pem());
        List<String> cmd = new ArrayList<>(List.of("openssl", "verify", "-x509_strict",
                "-attime", Long.toString(NOW.getEpochSecond()), "-CAfile", rootFile.toString()));
        if (!c.intermediates().isEmpty()) {
            cmd.addAll(List.of("-untrusted", write(dir, "untrusted.pem", chain.toString()).toString()));
        }
        if (c.purpose() == Purpose.SERVER_AUTH) {
            cmd.addAll(List.of("-purpose", "sslserver"));
        }
        if (c.hostname() != null) {
            cmd.addAll(List.of("-verify_hostname", c.hostname()));
        }
        if (!c.crls().isEmpty()) {
            StringBuilder crls = new StringBuilder();
            for (X509CRL crl : c.crls()) {
                crls.append(Pem.encode("X509 CRL", crl.getEncoded()));
            }
            cmd.addAll(List.of("-crl_check_all", "-CRLfile", write(dir, "crls.pem", crls.toString()).toString()));
        }
        if (c.strongAuthLevel()) {
            cmd.addAll(List.of("-auth_level", "2"));
        }
        cmd.add(leafFile.toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new OpenSsl(p.exitValue() == 0, output);
    }

    private static Path write(Path dir, String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content, StandardCharsets.US_ASCII);
    }
}
