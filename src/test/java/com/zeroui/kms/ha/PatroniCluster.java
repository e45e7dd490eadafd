package com.zeroui.kms.ha;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The loopback cluster of {@code scripts/ha-cluster.sh} (etcd, three PostgreSQL under Patroni in
 * synchronous_mode_strict) on free ports in its own directory, without kms nodes: the test runs
 * those itself. Every call goes through the script, so the test exercises what operators run.
 */
final class PatroniCluster implements AutoCloseable {
    private static final Path SCRIPT = Paths.get("scripts", "ha-cluster.sh").toAbsolutePath();

    private final Path dir;
    private final Path log;
    private final Map<String, String> env;

    private PatroniCluster(Path dir, Path log, Map<String, String> env) {
        this.dir = dir;
        this.log = log;
        this.env = env;
    }

    /** Starts the cluster and returns once it has a primary and a synchronous standby. */
    static PatroniCluster start(Path logDir, int ttl, int loopWait, int retryTimeout) throws IOException {
        Path dir = Files.createTempDirectory("kms-ha-");
        List<Integer> ports = freePorts(8);
        Map<String, String> env = new HashMap<>();
        env.put("KMS_HA_DIR", dir.toString());
        env.put("KMS_HA_PG_PORTS", join(ports.subList(0, 3)));
        env.put("KMS_HA_REST_PORTS", join(ports.subList(3, 6)));
        env.put("KMS_HA_ETCD_PORT", ports.get(6).toString());
        env.put("KMS_HA_ETCD_PEER_PORT", ports.get(7).toString());
        env.put("KMS_HA_KMS_PORTS", "");
        env.put("KMS_HA_TTL", Integer.toString(ttl));
        env.put("KMS_HA_LOOP_WAIT", Integer.toString(loopWait));
        env.put("KMS_HA_RETRY_TIMEOUT", Integer.toString(retryTimeout));
        env.put("KMS_HA_SYNC", "strict");
        Files.createDirectories(logDir);
        PatroniCluster cluster = new PatroniCluster(dir, logDir.resolve("ha-cluster-" + dir.getFileName() + ".log"), env);
        try {
            cluster.run(240, "start");
        } catch (RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    String jdbcUrl() {
        return run(10, "jdbc-url");
    }

    /** Name of the current primary (pg1, pg2, ...). */
    String leader() {
        return run(10, "leader").split(" ")[0];
    }

    /** SIGKILLs the primary's Patroni and postmaster together; returns the member's name. */
    String killLeader() {
        return run(10, "kill-leader");
    }

    void restartMember(String name) {
        run(30, "restart-member", name);
    }

    void awaitHealthy(int seconds) {
        run(seconds + 10, "wait-healthy", Integer.toString(seconds));
    }

    Path directory() {
        return dir;
    }

    /** Stops every process, keeps the members' logs beside the script's, and deletes the directory. */
    @Override
    public void close() {
        run(120, "stop");
        try (var logs = Files.newDirectoryStream(dir, "*.log")) {
            for (Path f : logs) {
                Files.copy(f, log.resolveSibling(dir.getFileName() + "-" + f.getFileName()),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            System.err.println("could not keep the cluster logs: " + e);
        }
        run(120, "destroy");
    }

    private String run(int timeoutSeconds, String... args) {
        List<String> command = new ArrayList<>();
        command.add(SCRIPT.toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(false)
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(env);
        try {
            Process p = builder.start();
            p.getOutputStream().close();
            byte[] out;
            try (var in = p.getInputStream()) {
                // the script's children (etcd, Patroni) write to their own files: stdout ends with the script
                out = in.readAllBytes();
            }
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("ha-cluster.sh " + String.join(" ", args) + " did not finish in "
                        + timeoutSeconds + " s; see " + log);
            }
            String text = new String(out, StandardCharsets.UTF_8).trim();
            Files.writeString(log, "$ ha-cluster.sh " + String.join(" ", args) + "\n" + text + "\n",
                    StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            if (p.exitValue() != 0) {
                throw new IllegalStateException("ha-cluster.sh " + String.join(" ", args) + " failed (exit "
                        + p.exitValue() + "); see " + log + " and " + dir);
            }
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static List<Integer> freePorts(int count) throws IOException {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                sockets.add(new ServerSocket(0)); // held together: no port handed out twice
            }
            return sockets.stream().map(ServerSocket::getLocalPort).collect(Collectors.toList());
        } finally {
            for (ServerSocket s : sockets) {
                s.close();
            }
        }
    }

    private static String join(List<Integer> ports) {
        return ports.stream().map(String::valueOf).collect(Collectors.joining(" "));
    }
}
