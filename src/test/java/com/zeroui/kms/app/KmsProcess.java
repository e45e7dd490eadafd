package com.zeroui.kms.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.zeroui.kms.support.KmsClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The shipped jar running {@code serve} in a child JVM, so that a test can SIGKILL it. Standard
 * output and standard error (the node's whole log) go to files the test can read afterwards.
 */
final class KmsProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("kms: listening on https://127\\.0\\.0\\.1:(\\d+) ");
    private static final long START_TIMEOUT_MS = 120_000;
    /** Exit status Java reports for a process ended by signal 9. */
    static final int SIGKILL_EXIT = 128 + 9;

    private final Process process;
    private final Path dataDir;
    private final Path stdout;
    private final Path stderr;
    private final int port;

    private KmsProcess(Process process, Path dataDir, Path stdout, Path stderr, int port) {
        this.process = process;
        this.dataDir = dataDir;
        this.stdout = stdout;
        this.stderr = stderr;
        this.port = port;
    }

    /** Starts {@code java [jvmArgs] -jar kms.jar serve --data-dir D --port 0} and waits until it listens. */
    static KmsProcess start(Path dataDir, Path logDir, List<String> jvmArgs) throws IOException, InterruptedException {
        return start(dataDir, logDir, jvmArgs, List.of(), java.util.Map.of());
    }

    /** As above, with more {@code serve} flags and environment variables (e.g. SOFTHSM2_CONF for a test token). */
    static KmsProcess start(Path dataDir, Path logDir, List<String> jvmArgs, List<String> serveArgs,
                            java.util.Map<String, String> env) throws IOException, InterruptedException {
        String jar = System.getProperty("kms.jar");
        assertThat(jar).as("system property kms.jar (set by failsafe)").isNotNull();
        assertThat(Paths.get(jar)).as("the shaded jar").isRegularFile();
        Files.createDirectories(logDir);
        Path out = Files.createTempFile(logDir, "kms-stdout-", ".log");
        Path err = Files.createTempFile(logDir, "kms-stderr-", ".log");
        List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        command.addAll(jvmArgs);
        command.addAll(List.of("-jar", jar, "serve", "--data-dir", dataDir.toString(), "--port", "0"));
        command.addAll(serveArgs);
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("KMS_")); // only the flags configure it
        builder.environment().putAll(env);
        Process process = builder.start();
        try {
            int port = awaitPort(process, out, err);
            KmsProcess started = new KmsProcess(process, dataDir, out, err, port);
            started.awaitAnswer();
            return started;
        } catch (RuntimeException | Error e) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            throw e;
        }
    }

    private static int awaitPort(Process process, Path out, Path err) throws IOException, InterruptedException {
        long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
        while (System.currentTimeMillis() < deadline) {
            Matcher m = LISTENING.matcher(Files.readString(out, StandardCharsets.UTF_8));
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
            if (!process.isAlive()) {
                throw new AssertionError("kms serve exited with " + process.exitValue() + " before listening:\n"
                        + Files.readString(out) + Files.readString(err));
            }
            Thread.sleep(100);
        }
        throw new AssertionError("kms serve did not report a listening port within " + START_TIMEOUT_MS + " ms:\n"
                + Files.readString(out) + Files.readString(err));
    }

    /**
     * Waits until the listening port answers an HTTPS request (any status): the port is printed when the
     * connector is bound, which a loaded machine may be slow to follow. A process that dies instead fails
     * here with its output.
     */
    private void awaitAnswer() throws IOException, InterruptedException {
        long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
        UncheckedIOException last = null;
        // no client certificate: health is public, and some modes refuse some client key types
        KmsClient probe;
        try (var in = Files.newInputStream(dataDir.resolve("tls").resolve("ca.pem"))) {
            probe = KmsClient.anonymous(baseUrl(), (java.security.cert.X509Certificate)
                    java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in));
        } catch (java.security.cert.CertificateException e) {
            throw new IOException("tls/ca.pem does not parse", e);
        }
        while (System.currentTimeMillis() < deadline && process.isAlive()) {
            try {
                probe.get("/health");
                return;
            } catch (UncheckedIOException e) {
                last = e;
                Thread.sleep(100);
            }
        }
        throw new AssertionError("kms serve listened on " + port + " but did not answer (alive: " + process.isAlive()
                + ", last error: " + last + "):\n" + Files.readString(stdout) + Files.readString(stderr));
    }

    boolean isAlive() {
        return process.isAlive();
    }

    Path dataDir() {
        return dataDir;
    }

    int port() {
        return port;
    }

    String baseUrl() {
        return "https://127.0.0.1:" + port + "/kms/v1";
    }

    /** The admin client from the credentials bootstrap wrote under D/tls. */
    KmsClient admin() {
        Path tls = dataDir.resolve("tls");
        return KmsClient.fromPemFiles(baseUrl(), tls.resolve("admin.pem"), tls.resolve("admin.key"), tls.resolve("ca.pem"));
    }

    /** SIGKILL: no shutdown hook, no connection-pool close, no final WAL checkpoint. Returns once it is dead. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("the process died after SIGKILL").isTrue();
        assertThat(process.exitValue()).as("exit status of a SIGKILLed process").isEqualTo(SIGKILL_EXIT);
    }

    /** SIGTERM, as an init system sends it; returns the exit status once the process has ended. */
    int terminate() throws InterruptedException {
        process.destroy(); // SIGTERM on POSIX
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the process ended after SIGTERM").isTrue();
        return process.exitValue();
    }

    /** Everything the node printed: standard output then standard error. */
    byte[] output() {
        try {
            byte[] out = Files.readAllBytes(stdout);
            byte[] err = Files.readAllBytes(stderr);
            byte[] all = new byte[out.length + err.length];
            System.arraycopy(out, 0, all, 0, out.length);
            System.arraycopy(err, 0, all, out.length, err.length);
            return all;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }
}
