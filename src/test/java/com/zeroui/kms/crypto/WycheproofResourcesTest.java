package com.zeroui.kms.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The vector files are unmodified upstream copies: each one's git blob hash is the one the README
 * records, which equals upstream's blob at the recorded commit. Catches edits, line-ending
 * conversion and a file added or dropped without updating the README.
 */
class WycheproofResourcesTest {
    private static final Pattern ROW = Pattern.compile("^\\| `([^`]+)` \\| `([0-9a-f]{40})` \\|", Pattern.MULTILINE);

    @Test
    void everyFileMatchesTheBlobHashRecordedInTheReadme() throws Exception {
        Path dir = resourceDirectory();
        String readme = Files.readString(dir.resolve("README.md"), StandardCharsets.UTF_8);
        Map<String, String> recorded = new TreeMap<>();
        Matcher row = ROW.matcher(readme);
        while (row.find()) {
            recorded.put(row.group(1), row.group(2));
        }
        assertThat(readme).contains("dac1dd4729fd1f8dd9e1e9f3dce51d783da6c166");

        Map<String, String> actual;
        try (Stream<Path> files = Files.list(dir)) {
            actual = files.filter(p -> !p.getFileName().toString().equals("README.md"))
                    .collect(Collectors.toMap(p -> p.getFileName().toString(), WycheproofResourcesTest::gitBlobHash,
                            (a, b) -> a, TreeMap::new));
        }
        assertThat(actual).containsKey("LICENSE").hasSizeGreaterThan(1).isEqualTo(recorded);
    }

    private static Path resourceDirectory() throws URISyntaxException {
        return Path.of(WycheproofResourcesTest.class.getResource("/wycheproof/README.md").toURI()).getParent();
    }

    /** What {@code git hash-object} prints: SHA-1 over "blob &lt;size&gt;\0" and the content. */
    private static String gitBlobHash(Path file) {
        try {
            byte[] content = Files.readAllBytes(file);
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            sha1.update(("blob " + content.length + "\0").getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(sha1.digest(content));
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot hash " + file, e);
        }
    }
}
