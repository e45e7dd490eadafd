package com.zeroui.kms.backup;

import static org.assertj.core.api.Assertions.assertThat;

import com.zeroui.kms.ops.KmsConfig;
import com.zeroui.kms.support.CliRun;
import com.zeroui.kms.support.KmsClient;
import com.zeroui.kms.support.PostgresDatabases;
import com.zeroui.kms.support.TestNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runbook of docs/backup-and-dr.md ("Restore a site"), end to end on loopback: a serving node
 * with keys and traffic is backed up without pausing (requests keep succeeding during the backup),
 * the master key is kept apart, the data is destroyed (the data directory, or the PostgreSQL
 * database), the backup is verified and restored into new storage, and the restored service signs,
 * verifies and decrypts as before, its log verifies offline, and it extends the tree head a monitor
 * held before the disaster.
 */
class DisasterRecoveryDrillIT {
    @TempDir
    Path tmp;

    @Test
    void sqliteSite() throws Exception {
        drill(null, null);
    }

    @Test
    void postgresSite() throws Exception {
        PostgresDatabases.TempDatabase lost = PostgresDatabases.create("dr_lost");
        try (PostgresDatabases.TempDatabase replacement = PostgresDatabases.create("dr_new")) {
            drill(lost, replacement);
        } finally {
            lost.close(); // already dropped by the drill: DROP DATABASE IF EXISTS
        }
    }

    private void drill(PostgresDatabases.TempDatabase lost, PostgresDatabases.TempDatabase replacement) throws Exception {
        Path site = tmp.resolve("site");
        Path offsite = Files.createDirectories(tmp.resolve("offsite"));
        Path backupFile = offsite.resolve("kms.kmsbak");
        RestoredService before;

        // 1. the site serves: keys and traffic; a monitor keeps the latest signed tree head
        try (TestNode node = TestNode.startIn(site, on(lost), false)) {
            before = RestoredService.makeTraffic(node);
            // the master key goes to its own safe place, never next to the backups
            Files.copy(site.resolve("master.key"), offsite.resolve("master.key"));

            // 2. back up while traffic continues: no request fails or waits for the backup
            KmsClient client = node.client("M21", RestoredService.T);
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicInteger served = new AtomicInteger();
            List<String> failures = new ArrayList<>();
            Thread traffic = new Thread(() -> {
                while (running.get()) {
                    KmsClient.Response r = client.sign(RestoredService.T, before.ed, new byte[] {1, 2, 3}, null);
                    if (r.status() == 200) {
                        served.incrementAndGet();
                    } else {
                        synchronized (failures) {
                            failures.add(r.status() + " " + r.body());
                        }
                    }
                }
            });
            traffic.start();
            CliRun backup = CliRun.run(args(List.of("backup", "create", "--out", backupFile.toString()), site, lost));
            int duringBackup = served.get();
            running.set(false);
            traffic.join();
            assertThat(backup.exitCode()).as(backup.err()).isZero();
            assertThat(failures).as("requests during the backup").isEmpty();
            assertThat(duringBackup).as("requests served while the backup ran").isPositive();
        }

        // 3. disaster: the data directory (and the database) are gone
        TestNode.deleteTree(site);
        assertThat(site).doesNotExist();
        if (lost != null) {
            lost.close();
        }

        // 4. restore from the backup file and the master key
        CliRun verify = CliRun.run("backup", "verify", backupFile.toString(), "--master-key",
                offsite.resolve("master.key").toString());
        assertThat(verify.exitCode()).as(verify.err()).isZero();
        Path restoredSite = tmp.resolve("restored-site");
        CliRun restore = CliRun.run(args(List.of("backup", "restore", backupFile.toString()), restoredSite, replacement,
                "--master-key", offsite.resolve("master.key").toString()));
        assertThat(restore.exitCode()).as(restore.err() + restore.out()).isZero();

        // 5. the restored service does what the old one did, and its log is the old log, continued
        try (TestNode node = TestNode.startIn(restoredSite, on(replacement), false)) {
            before.checkOn(node);
        }
        Path bundle = tmp.resolve("restored-log.json");
        CliRun export = CliRun.run(args(List.of("audit", "export", "--out", bundle.toString()), restoredSite, replacement));
        assertThat(export.exitCode()).as(export.err()).isZero();
        // the head a monitor saved before the disaster: the restored log, offline, must extend it
        Path trustedHead = offsite.resolve("tree-head.json");
        Files.writeString(trustedHead, before.trustedHead.toString());
        CliRun audit = CliRun.run("audit", "verify", "--trusted-head", trustedHead.toString(), bundle.toString());
        assertThat(audit.exitCode()).as(audit.err() + audit.out()).isZero();
        assertThat(audit.out()).contains("verified");
    }

    private static UnaryOperator<KmsConfig.Builder> on(PostgresDatabases.TempDatabase db) {
        return db == null ? UnaryOperator.identity() : c -> c.database(db.url(), db.user(), db.password());
    }

    /** {@code command... --data-dir DIR [--database-url U --database-user X] more...}. */
    private static String[] args(List<String> command, Path dataDir, PostgresDatabases.TempDatabase db, String... more) {
        List<String> args = new ArrayList<>(command);
        args.addAll(List.of("--data-dir", dataDir.toString()));
        if (db != null) {
            args.addAll(List.of("--database-url", db.url(), "--database-user", db.user()));
        }
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }
}
