package com.zeroui.kms.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real SoftHSM2 token of its own: a configuration file whose token directory is a test's temp
 * directory (pass {@link #env()} to the process that loads the library), one initialised token, and
 * a PIN file. {@link #listObjects()} asks the token through OpenSC's pkcs11-tool, a second PKCS#11
 * client, what it holds and with which attributes.
 */
public final class SoftHsm {
    public static final Path LIBRARY = Path.of("/usr/lib/softhsm/libsofthsm2.so");

    private final Path conf;
    private final Path pinFile;
    private final String label;
    private final String pin;

    private SoftHsm(Path conf, Path pinFile, String label, String pin) {
        this.conf = conf;
        this.pinFile = pinFile;
        this.label = label;
        this.pin = pin;
    }

    /** A token directory under {@code dir} holding one token labelled {@code label}. */
    public static SoftHsm create(Path dir, String label) {
        try {
            Path tokens = Files.createDirectories(dir.resolve("tokens"));
            Path conf = dir.resolve("softhsm2.conf");
            Files.writeString(conf, "directories.tokendir = " + tokens + "\nobjectstore.backend = file\nlog.level = ERROR\n");
            String pin = "pin-" + Long.toHexString(Double.doubleToLongBits(Math.random()));
            Path pinFile = dir.resolve("pin");
            Files.writeString(pinFile, pin + "\n");
            SoftHsm hsm = new SoftHsm(conf, pinFile, label, pin);
            hsm.initToken(label, pin);
            return hsm;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static SoftHsm jvmToken;

    /**
     * The token for tests that load the PKCS#11 library in this JVM. The library reads SOFTHSM2_CONF
     * (set for the test JVM by the build) once, when first loaded, and sees only the tokens that exist
     * then: so the token directory is made afresh, and its one token created, before the first use.
     */
    public static synchronized SoftHsm forThisJvm() {
        if (jvmToken == null) {
            String conf = System.getenv("SOFTHSM2_CONF");
            if (conf == null) {
                throw new AssertionError("SOFTHSM2_CONF is not set for this JVM (the build sets it for surefire)");
            }
            Path dir = Path.of(conf).getParent();
            try {
                if (Files.exists(dir)) {
                    try (var files = Files.walk(dir)) {
                        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                    }
                }
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            jvmToken = create(dir, "kms-unit");
        }
        return jvmToken;
    }

    /** Initialises one more token in the same token directory. */
    public void initToken(String tokenLabel, String tokenPin) {
        run(List.of("softhsm2-util", "--init-token", "--free", "--label", tokenLabel, "--pin", tokenPin, "--so-pin", "so-" + tokenPin));
    }

    public Map<String, String> env() {
        return Map.of("SOFTHSM2_CONF", conf.toString());
    }

    public String label() {
        return label;
    }

    public Path pinFile() {
        return pinFile;
    }

    public Path conf() {
        return conf;
    }

    /** The serve/init flags that put the master key into this token. */
    public List<String> flags() {
        return List.of("--master-key-provider", "pkcs11", "--pkcs11-library", LIBRARY.toString(), "--pkcs11-token-label", label,
                "--pkcs11-pin-file", pinFile.toString());
    }

    /** Every object in the token with its attributes, as pkcs11-tool prints them after logging in. */
    public String listObjects() {
        return run(List.of("pkcs11-tool", "--module", LIBRARY.toString(), "--token-label", label, "--login", "--pin", pin,
                "--list-objects"));
    }

    /** Runs a command with this token's configuration; returns standard output and error, failing on a non-zero exit. */
    public String run(List<String> command) {
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().putAll(env());
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new AssertionError(String.join(" ", command) + " failed:\n" + output);
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The PKCS#11 objects pkcs11-tool lists, one block per object. */
    public List<String> objectBlocks() {
        List<String> blocks = new ArrayList<>();
        StringBuilder current = null;
        for (String line : listObjects().split("\n")) {
            if (!line.startsWith(" ") && !line.isBlank() && line.contains("Object;")) {
                if (current != null) {
                    blocks.add(current.toString());
                }
                current = new StringBuilder(line).append('\n');
            } else if (current != null) {
                current.append(line).append('\n');
            }
        }
        if (current != null) {
            blocks.add(current.toString());
        }
        return blocks;
    }
}
