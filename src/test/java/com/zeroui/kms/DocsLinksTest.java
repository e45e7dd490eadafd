package com.zeroui.kms;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every relative link in README.md and docs/ points at a file that exists and, with a {@code #fragment},
 * at a heading of that file (GitHub's anchor rules): the docs are split into many files that several
 * people edit, and a moved section must not leave dead links behind.
 */
class DocsLinksTest {
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
    private static final Pattern HEADING = Pattern.compile("^#{1,6} (.+)$", Pattern.MULTILINE);
    private static final Pattern FENCE = Pattern.compile("(?ms)^```.*?^```");

    @Test
    void everyRelativeLinkResolves() throws IOException {
        List<Path> files = new ArrayList<>(List.of(Path.of("README.md")));
        try (Stream<Path> docs = Files.walk(Path.of("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
        }
        List<String> broken = new ArrayList<>();
        for (Path file : files) {
            String text = FENCE.matcher(read(file)).replaceAll("");
            Matcher m = LINK.matcher(text);
            while (m.find()) {
                String target = m.group(1);
                if (target.matches("^[a-z]+:.*")) {
                    continue; // http(s), mailto: not checked here
                }
                int hash = target.indexOf('#');
                String pathPart = hash < 0 ? target : target.substring(0, hash);
                Path resolved = pathPart.isEmpty() ? file : file.toAbsolutePath().getParent().resolve(pathPart).normalize();
                if (!Files.exists(resolved)) {
                    broken.add(file + ": " + target + " (no such file)");
                } else if (hash >= 0 && !anchors(resolved).contains(target.substring(hash + 1))) {
                    broken.add(file + ": " + target + " (no such heading)");
                }
            }
        }
        assertThat(broken).isEmpty();
    }

    @Test
    void anchorsFollowGitHubRules() {
        assertThat(slug("Dual authorization (two-person rule)")).isEqualTo("dual-authorization-two-person-rule");
        assertThat(slug("Bearer tokens (JWT)")).isEqualTo("bearer-tokens-jwt");
        assertThat(slug("Certificates, CRL and OCSP")).isEqualTo("certificates-crl-and-ocsp");
    }

    private static Set<String> anchors(Path file) {
        Set<String> anchors = new HashSet<>();
        if (Files.isDirectory(file)) {
            return anchors;
        }
        Matcher m = HEADING.matcher(FENCE.matcher(read(file)).replaceAll(""));
        while (m.find()) {
            anchors.add(slug(m.group(1)));
        }
        return anchors;
    }

    /** GitHub: lower case, drop punctuation except '-' and '_', spaces become '-'. */
    static String slug(String heading) {
        return heading.trim().toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
