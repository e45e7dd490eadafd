package com.zeroui.kms.crypto;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The Bouncy Castle FIPS jars embedded in kms.jar under {@code fips/} (copied there unmodified by the
 * build). They are never on the class path, where they would clash with bcprov-jdk18on; whoever loads
 * them does so in a class loader of its own. Inside a jar they are first copied byte for byte to a
 * private temporary directory, because a class loader (and the module's own integrity check) needs a
 * jar file.
 */
public final class FipsJars {
    /** In load order: the validated module first, then the PKIX, TLS and utility APIs built on it. */
    public static final List<String> NAMES = List.of("bc-fips.jar", "bcpkix-fips.jar", "bctls-fips.jar", "bcutil-fips.jar");
    private static final String DIRECTORY = "/fips/";

    private static List<URL> located;

    private FipsJars() {
    }

    /** URLs of the four jars as files; throws when the build did not embed them. */
    public static synchronized List<URL> urls() {
        if (located == null) {
            located = locate();
        }
        return located;
    }

    private static List<URL> locate() {
        List<URL> out = new ArrayList<>();
        Path extracted = null;
        try {
            for (String name : NAMES) {
                URL url = FipsJars.class.getResource(DIRECTORY + name);
                if (url == null) {
                    throw new IllegalStateException("the Bouncy Castle FIPS jar " + name
                            + " is not embedded in this build (expected at fips/" + name + ")");
                }
                if ("file".equals(url.getProtocol())) {
                    out.add(url);
                    continue;
                }
                if (extracted == null) {
                    extracted = Files.createTempDirectory("kms-fips-");
                    extracted.toFile().deleteOnExit();
                }
                Path target = extracted.resolve(name);
                try (InputStream in = url.openStream()) {
                    Files.copy(in, target);
                }
                target.toFile().deleteOnExit();
                out.add(target.toUri().toURL());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack the Bouncy Castle FIPS jars", e);
        }
        return List.copyOf(out);
    }
}
