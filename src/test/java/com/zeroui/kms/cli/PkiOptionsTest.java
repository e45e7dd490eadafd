package com.zeroui.kms.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.zeroui.kms.ops.PkiConfig;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class PkiOptionsTest {
    private static PkiConfig parse(String... args) {
        ServeCommand serve = new ServeCommand();
        new CommandLine(serve).setCaseInsensitiveEnumValuesAllowed(true).parseArgs(args); // as Main configures it
        return serve.pki.settings();
    }

    @Test
    void serveFlagsBecomeThePkiSettings() {
        PkiConfig pki = parse("--public-url", "https://kms.example:9443/", "--max-certificate-ttl", "P30D",
                "--crl-validity", "PT6H");
        assertThat(pki.publicUrl()).isEqualTo(URI.create("https://kms.example:9443"));
        assertThat(pki.maxCertificateTtl()).isEqualTo(Duration.ofDays(30));
        assertThat(pki.crlValidity()).isEqualTo(Duration.ofHours(6));
    }

    @Test
    void defaultsMatchTheEmbeddedConfiguration() {
        PkiConfig pki = parse();
        PkiConfig defaults = PkiConfig.defaults();
        assertThat(pki.maxCertificateTtl()).isEqualTo(defaults.maxCertificateTtl());
        assertThat(pki.crlValidity()).isEqualTo(defaults.crlValidity());
        assertThat(pki.publicUrl()).isNull();
    }
}
