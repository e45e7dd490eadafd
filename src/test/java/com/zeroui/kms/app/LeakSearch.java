package com.zeroui.kms.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Searches bytes for secrets in every form they could leak in: raw, hex (lower and upper case),
 * and standard and URL-safe base64. A secret inside a longer base64 text (a PEM, a JSON field, a
 * log line) is found whatever its byte offset there, because the search uses, for each of the
 * three alignments, the characters that depend on the secret's bytes alone. Line breaks are
 * removed before a second pass, so wrapped base64 (PEM, MIME) is found too.
 */
final class LeakSearch {
    record Needle(String label, byte[] bytes) {
    }

    private final List<Needle> needles = new ArrayList<>();

    void addSecret(String label, byte[] secret) {
        if (secret.length < 16) {
            throw new IllegalArgumentException("too short to search for without false positives: " + label);
        }
        needles.add(new Needle(label + " (raw)", secret.clone()));
        needles.add(new Needle(label + " (hex)", ascii(HexFormat.of().formatHex(secret))));
        needles.add(new Needle(label + " (HEX)", ascii(HexFormat.of().withUpperCase().formatHex(secret))));
        for (int offset = 0; offset < 3; offset++) {
            needles.add(new Needle(label + " (base64, offset " + offset + ")", base64Core(Base64.getEncoder(), secret, offset)));
            needles.add(new Needle(label + " (base64url, offset " + offset + ")",
                    base64Core(Base64.getUrlEncoder(), secret, offset)));
        }
    }

    int needleCount() {
        return needles.size();
    }

    /**
     * The base64 characters fixed by {@code secret} alone when it starts {@code offset} bytes into
     * a 3-byte group of a longer encoded stream: the groups that hold only secret bytes.
     */
    static byte[] base64Core(Base64.Encoder encoder, byte[] secret, int offset) {
        byte[] stream = new byte[offset + secret.length];
        System.arraycopy(secret, 0, stream, offset, secret.length);
        byte[] encoded = encoder.withoutPadding().encode(stream);
        int from = offset == 0 ? 0 : 4;
        int to = 4 * (stream.length / 3);
        byte[] core = new byte[to - from];
        System.arraycopy(encoded, from, core, 0, core.length);
        return core;
    }

    /** Hits as "name: needle label", empty when nothing leaked. */
    List<String> findIn(String name, byte[] content) {
        byte[] unwrapped = withoutLineBreaks(content);
        List<String> hits = new ArrayList<>();
        for (Needle needle : needles) {
            if (indexOf(content, needle.bytes()) >= 0 || indexOf(unwrapped, needle.bytes()) >= 0) {
                hits.add(name + ": " + needle.label());
            }
        }
        return hits;
    }

    List<String> findIn(Path file) {
        try {
            return findIn(file.toString(), Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every regular file under {@code dir} that {@code include} accepts. */
    static List<Path> files(Path dir, Predicate<Path> include) {
        try (Stream<Path> paths = Files.walk(dir)) {
            return paths.filter(Files::isRegularFile).filter(include).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static byte[] withoutLineBreaks(byte[] content) {
        byte[] out = new byte[content.length];
        int n = 0;
        for (byte b : content) {
            if (b != '\n' && b != '\r') {
                out[n++] = b;
            }
        }
        return java.util.Arrays.copyOf(out, n);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
