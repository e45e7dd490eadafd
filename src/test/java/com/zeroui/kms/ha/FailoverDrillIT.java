package com.zeroui.kms.ha;

import static org.assertj.core.api.Assertions.assertThat;

import com.zeroui.kms.support.CliRun;
import com.zeroui.kms.support.KmsClient;
import com.zeroui.kms.support.TestNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The failover drill (docs/high-availability.md): two kms nodes on a three-member Patroni cluster
 * (synchronous_mode_strict) take concurrent signing load; the primary's Patroni and postmaster are
 * SIGKILLed together; Patroni promotes the synchronous standby. Every answer meanwhile is a 2xx with
 * a receipt or a retryable 503, none comes later than the request timeout, both nodes serve again
 * without a restart, every acknowledged key and receipt is on the new primary and the audit log
 * verifies. Prints the outage window; {@code -Dkms.drill.rounds=N} repeats it on the same cluster
 * (scripts/failover-drill.sh), appending each round's figures to target/failover-drill/figures.tsv.
 */
class FailoverDrillIT {
    static final String T = "tenant-drill";
    static final Path OUT = Paths.get("target", "failover-drill");
    /** Patroni ttl / loop_wait / retry_timeout: short, for a drill that fits CI (see the notes on false failovers). */
    static final int TTL = 6;
    static final int LOOP_WAIT = 1;
    static final int RETRY_TIMEOUT = 2;
    static final long RECOVERY_DEADLINE_MS = 60_000;

    @Test
    void killingThePrimaryUnderLoadLosesNoAcknowledgedWriteAndTheNodesRecoverByThemselves() throws Exception {
        int rounds = Integer.getInteger("kms.drill.rounds", 1);
        try (PatroniCluster cluster = PatroniCluster.start(OUT, TTL, LOOP_WAIT, RETRY_TIMEOUT)) {
            String url = cluster.jdbcUrl();
            Path firstDir = Files.createTempDirectory("kms-drill-a-");
            Path secondDir = Files.createTempDirectory("kms-drill-b-");
            try (TestNode first = TestNode.startIn(firstDir, cfg -> cfg.database(url, "kms", "kms"), true)) {
                // a second node on the same database needs the same master key
                Files.copy(firstDir.resolve("master.key"), secondDir.resolve("master.key"));
                try (TestNode second = TestNode.startIn(secondDir, cfg -> cfg.database(url, "kms", "kms"), true)) {
                    List<KmsClient> clients = List.of(first.client("M21", T), second.client("M21", T));
                    List<String> keys = new ArrayList<>();
                    for (int i = 0; i < 4; i++) {
                        KmsClient.Response created = clients.get(i % 2).createKey(T, "Ed25519", "sign", "verify");
                        assertThat(created.status()).as(created.body()).isEqualTo(201);
                        keys.add(created.text("key_id"));
                    }
                    for (int round = 1; round <= rounds; round++) {
                        if (round > 1) {
                            cluster.awaitHealthy(180); // the killed member rejoined as a standby
                        }
                        String killed = drill(round, cluster, clients, keys, url, firstDir);
                        if (round < rounds) {
                            cluster.restartMember(killed);
                        }
                    }
                }
            }
        }
    }

    /** One kill under load, its checks and figures; returns the killed member's name. */
    private static String drill(int round, PatroniCluster cluster, List<KmsClient> clients, List<String> keys, String url,
                                Path dataDir) throws Exception {
        SigningLoad load = new SigningLoad(T, clients, keys);
        String killed;
        long killNanos;
        try {
            load.start(3);
            awaitUntil(() -> load.successes(0) >= 20 && load.successes(1) >= 20, 30_000, "load before the kill");
            killed = cluster.killLeader();
            killNanos = System.nanoTime();
            // both nodes failed at least once and answered a request begun after their first failure
            awaitUntil(() -> recovered(load, 0) && recovered(load, 1), RECOVERY_DEADLINE_MS,
                    "both nodes serving again after killing " + killed);
            Thread.sleep(2_000);
        } finally {
            load.close();
        }
        assertThat(load.violations).as("answers that break the failover contract").isEmpty();

        List<SigningLoad.Outcome> outcomes = new ArrayList<>(load.outcomes);
        long firstFailure = outcomes.stream().filter(o -> !o.ok()).mapToLong(SigningLoad.Outcome::endNanos).min()
                .orElseThrow(() -> new AssertionError("killing the primary caused no failed request"));
        long firstSuccess = outcomes.stream().filter(o -> o.ok() && o.startNanos() > firstFailure)
                .mapToLong(SigningLoad.Outcome::endNanos).min().orElseThrow();
        String promoted = cluster.leader();
        assertThat(promoted).as("the new primary").isNotEqualTo(killed);

        Set<String> stored = receiptIds(url);
        assertThat(stored).as("every acknowledged receipt is on the new primary").containsAll(load.acknowledgedReceipts);
        for (String keyId : load.acknowledgedKeys) {
            KmsClient.Response key = clients.get(1).get("/keys/" + keyId);
            assertThat(key.status()).as("acknowledged key %s: %s", keyId, key.body()).isEqualTo(200);
        }
        for (KmsClient client : clients) {
            KmsClient.Response signed = client.sign(T, keys.get(0), "after".getBytes(StandardCharsets.UTF_8), null);
            assertThat(signed.status()).as(signed.body()).isEqualTo(200);
        }
        Path bundle = OUT.resolve("drill-" + round + "-" + System.currentTimeMillis() + ".bundle");
        CliRun export = CliRun.run("audit", "export", "--out", bundle.toString(), "--data-dir", dataDir.toString(),
                "--database-url", url, "--database-user", "kms");
        assertThat(export.exitCode()).as(export.err()).isZero();
        CliRun verify = CliRun.run("audit", "verify", bundle.toString());
        assertThat(verify.exitCode()).as(verify.err() + verify.out()).isZero();
        Files.deleteIfExists(bundle);

        String figures = String.join("\t", Instant.now().toString(), Integer.toString(round), killed, promoted,
                Long.toString(ms(firstFailure, firstSuccess)), Long.toString(ms(killNanos, firstSuccess)),
                Long.toString(load.successes(0)), Long.toString(load.unavailable(0)),
                Long.toString(load.successes(1)), Long.toString(load.unavailable(1)),
                Integer.toString(load.acknowledgedKeys.size()), Integer.toString(load.acknowledgedReceipts.size()),
                Long.toString(longest(outcomes)));
        System.out.printf("failover drill round %d: killed %s, promoted %s; outage window %d ms (first failure to first"
                        + " success), %d ms from the kill; node A %d ok / %d 503, node B %d ok / %d 503; %d keys and %d"
                        + " receipts acknowledged, all present; longest request %d ms; %s%n",
                round, killed, promoted, ms(firstFailure, firstSuccess), ms(killNanos, firstSuccess), load.successes(0),
                load.unavailable(0), load.successes(1), load.unavailable(1), load.acknowledgedKeys.size(),
                load.acknowledgedReceipts.size(), longest(outcomes), verify.out().trim());
        appendFigures(figures);
        return killed;
    }

    /** The node has failed, and a request it began after its first failure succeeded. */
    private static boolean recovered(SigningLoad load, int node) {
        long firstFailure = Long.MAX_VALUE;
        for (SigningLoad.Outcome o : load.outcomes) {
            if (o.node() == node && !o.ok()) {
                firstFailure = Math.min(firstFailure, o.endNanos());
            }
        }
        long failedAt = firstFailure;
        return failedAt != Long.MAX_VALUE
                && load.outcomes.stream().anyMatch(o -> o.node() == node && o.ok() && o.startNanos() > failedAt);
    }

    private static Set<String> receiptIds(String url) throws SQLException {
        Set<String> ids = new HashSet<>();
        try (Connection c = DriverManager.getConnection(url, "kms", "kms"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT receipt_id FROM kms_audit_receipts")) {
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
        }
        return ids;
    }

    private static long longest(List<SigningLoad.Outcome> outcomes) {
        return outcomes.stream().mapToLong(o -> ms(o.startNanos(), o.endNanos())).max().orElse(0);
    }

    private static long ms(long fromNanos, long toNanos) {
        return (toNanos - fromNanos) / 1_000_000;
    }

    private static void awaitUntil(java.util.function.BooleanSupplier done, long timeoutMs, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeoutMs + " ms waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    private static void appendFigures(String line) throws IOException {
        Files.createDirectories(OUT);
        Path tsv = OUT.resolve("figures.tsv");
        if (!Files.exists(tsv)) {
            Files.writeString(tsv, "time\tround\tkilled\tpromoted\toutage_ms\tkill_to_recovery_ms\tnode_a_ok\tnode_a_503"
                    + "\tnode_b_ok\tnode_b_503\tkeys_acked\treceipts_acked\tlongest_request_ms\n", StandardCharsets.UTF_8);
        }
        Files.writeString(tsv, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    }
}
