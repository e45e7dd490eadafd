package com.zeroui.kms.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A real nats-server with JetStream, run by the test on its own port and store directory, so the
 * test can take it away and bring it back (same port, same stored streams) without touching the
 * machine's shared server.
 */
public final class NatsServer implements AutoCloseable {
    public static final String BINARY = Files.isExecutable(Path.of("/usr/sbin/nats-server"))
            ? "/usr/sbin/nats-server" : "nats-server";

    private final int port;
    private final Path storeDir;
    private final Path logFile;
    private Process process;

    private NatsServer(int port, Path storeDir) {
        this.port = port;
        this.storeDir = storeDir;
        this.logFile = storeDir.resolve("nats.log");
    }

    public static NatsServer start() {
        try (ServerSocket probe = new ServerSocket(0)) {
            NatsServer server = new NatsServer(probe.getLocalPort(), Files.createTempDirectory("kms-nats-"));
            probe.close();
            server.startAgain();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public URI url() {
        return URI.create("nats://127.0.0.1:" + port);
    }

    /** Starts (again) on the same port and store: streams and their messages survive a stop. */
    public void startAgain() {
        try {
            process = new ProcessBuilder(BINARY, "-a", "127.0.0.1", "-p", Integer.toString(port), "-js",
                    "-sd", storeDir.toString(), "-l", logFile.toString())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (!accepts()) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("nats-server did not start on port " + port + "; log: "
                            + (Files.exists(logFile) ? Files.readString(logFile) : "(none)"));
                }
                Thread.sleep(50);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private boolean accepts() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Stops the server (SIGTERM, then SIGKILL) and waits until the port is closed. */
    public void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    @Override
    public void close() {
        stop();
        TestNode.deleteTree(storeDir);
    }
}
