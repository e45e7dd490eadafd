package com.zeroui.kms.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zeroui.kms.auth.JwtSettings;
import com.zeroui.kms.backup.BackupSchedule;
import com.zeroui.kms.ops.EventsConfig;
import com.zeroui.kms.ops.KmsConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A start-up that fails part way closes everything the earlier steps opened: no thread of the node
 * lives on, no file under the data directory stays open, and the port and the data directory can be
 * used again at once.
 */
class StartupFailureIT {
    /** Helper range 19500-19599: a port nothing else on the machine uses. */
    private static final int PORT = 19531;
    private static final URI NOWHERE = URI.create("http://127.0.0.1:19532/hook");

    @TempDir
    Path tmp;

    @Test
    void portInUseFailsTheLastStepAndEverythingOpenedBeforeIsClosed() throws Exception {
        Path dir = tmp.resolve("data");
        Set<Long> before = liveThreadIds();
        try (ServerSocket taken = bind(PORT)) {
            assertThatThrownBy(() -> KmsNode.start(everyPart(dir).port(PORT).build(), Clock.systemUTC(), backupsIn(dir)))
                    .isInstanceOf(StartupException.class);
            assertNothingLeft(before, dir);
        }
        try (ServerSocket again = bind(PORT)) {
            assertThat(again.isBound()).as("the node left the port free").isTrue();
        }
        try (KmsNode node = KmsNode.start(everyPart(dir).port(PORT).build(), Clock.systemUTC(), backupsIn(dir))) {
            assertThat(node.port()).as("the same data directory and port serve at once").isEqualTo(PORT);
        }
    }

    @Test
    void anUnreadableJwksFileFailsStartUpMidWayAndEverythingOpenedBeforeIsClosed() throws Exception {
        Path dir = tmp.resolve("data");
        Path missing = tmp.resolve("no-such-jwks.json");
        Set<Long> before = liveThreadIds();
        KmsConfig config = everyPart(dir).jwt(new JwtSettings(false,
                List.of(JwtSettings.TrustedIssuer.parse("https://iam.example=jwks:" + missing)), Set.of(),
                Duration.ofSeconds(60), "kms")).build();

        // after storage, the audit log and its self-checks, the scheduler, sinks, backups and health checks
        assertThatThrownBy(() -> KmsNode.start(config, Clock.systemUTC(), backupsIn(dir)))
                .isInstanceOf(StartupException.class).hasMessageContaining(missing.toString());

        assertNothingLeft(before, dir);
        try (KmsNode node = KmsNode.start(everyPart(dir).build(), Clock.systemUTC(), backupsIn(dir))) {
            assertThat(node.port()).isPositive();
        }
    }

    /** A node with a receipt sink, an event sink and backups: every kind of thread start-up opens. */
    private static KmsConfig.Builder everyPart(Path dir) {
        EventsConfig events = EventsConfig.defaults();
        return KmsConfig.builder().dataDir(dir).port(0).receiptWebhookUrl(NOWHERE)
                .events(new EventsConfig(events.enabled(), null, events.natsStream(), List.of(NOWHERE), events.lagThreshold()));
    }

    private static BackupSchedule backupsIn(Path dir) {
        return new BackupSchedule(dir.resolveSibling("backups"), Duration.ofHours(1), 2);
    }

    private static ServerSocket bind(int port) throws IOException {
        ServerSocket socket = new ServerSocket();
        socket.setReuseAddress(false);
        socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
        return socket;
    }

    private static void assertNothingLeft(Set<Long> threadsBefore, Path dir) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        List<String> left = newThreads(threadsBefore);
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            // threads told to stop may take a moment to end; a webhook sink's JDK HttpClient (no close() before
            // Java 21) ends its threads only once it is collected, so collecting also shows nothing still holds it
            System.gc();
            Thread.sleep(200);
            left = newThreads(threadsBefore);
        }
        assertThat(left).as("threads started by the failed start-up").isEmpty();
        assertThat(openFilesUnder(dir)).as("files left open under the data directory").isEmpty();
    }

    private static Set<Long> liveThreadIds() {
        return Thread.getAllStackTraces().keySet().stream().map(Thread::getId).collect(Collectors.toSet());
    }

    private static List<String> newThreads(Set<Long> before) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && !before.contains(t.getId()))
                .map(Thread::getName)
                // one per JVM, started on first use by whoever comes first: the JDK's common pool, cleaner and
                // process reaper, the native crypto provider's cleaner, the Prometheus client's scheduler
                .filter(name -> !name.startsWith("ForkJoinPool.commonPool") && !name.equals("Common-Cleaner")
                        && !name.equals("process reaper") && !name.equals("Native reference cleanup thread")
                        && !name.startsWith("prometheus-metrics-scheduler"))
                .sorted().toList();
    }

    /** What this process holds open under {@code dir} (Linux: /proc/self/fd; elsewhere nothing is checked). */
    private static List<String> openFilesUnder(Path dir) throws IOException {
        Path fds = Path.of("/proc/self/fd");
        if (!Files.isDirectory(fds)) {
            return List.of();
        }
        Path real = dir.toRealPath();
        try (Stream<Path> open = Files.list(fds)) {
            return open.map(fd -> {
                try {
                    return Files.readSymbolicLink(fd);
                } catch (IOException e) {
                    return null; // closed while listing
                }
            }).filter(target -> target != null && target.startsWith(real)).map(Path::toString).sorted().toList();
        }
    }
}
