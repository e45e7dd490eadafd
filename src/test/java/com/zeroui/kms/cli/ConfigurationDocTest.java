package com.zeroui.kms.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * docs/configuration.md is rendered from the picocli options of {@code kms serve}; this test fails
 * when the file and the options disagree, and rewrites the file when run with
 * {@code -Dkms.docs.regenerate=true}.
 */
class ConfigurationDocTest {
    private static final Path DOC = Path.of("docs/configuration.md");

    @Test
    void docsConfigurationMatchesTheServeOptions() throws IOException {
        String rendered = ConfigurationDoc.render(new ServeCommand());
        if (Boolean.getBoolean("kms.docs.regenerate")) {
            Files.writeString(DOC, rendered, StandardCharsets.UTF_8);
        }
        assertThat(Files.readString(DOC, StandardCharsets.UTF_8))
                .as("docs/configuration.md is out of step with the serve options; regenerate it: "
                        + ConfigurationDoc.REGENERATE)
                .isEqualTo(rendered);
    }

    @Test
    void everyOptionHasItsEnvironmentVariableAndDefault() {
        String rendered = ConfigurationDoc.render(new ServeCommand());
        assertThat(rendered)
                .contains("| `--port` | `KMS_PORT` | `8443` | HTTPS port (0 = any free). |")
                .contains("| `--hostname` | `KMS_HOSTNAMES` (comma-separated) | — |")
                .contains("| `--database-url` | `KMS_DATABASE_URL` | — |")
                .contains("| `--public-url` | `KMS_PUBLIC_URL` | `https://<first --hostname, else 127.0.0.1>:<port>` |")
                .doesNotContain("${")
                .doesNotContain("| `--help`")
                .doesNotContain("| `--version`");
    }
}
