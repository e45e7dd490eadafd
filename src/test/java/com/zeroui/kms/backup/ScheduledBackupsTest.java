package com.zeroui.kms.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.zeroui.kms.app.KmsNode;
import com.zeroui.kms.crypto.CryptoSuite;
import com.zeroui.kms.keystore.SoftwareMasterKeyProvider;
import com.zeroui.kms.ops.KmsConfig;
import com.zeroui.kms.store.Database;
import com.zeroui.kms.support.KmsClient;
import com.zeroui.kms.support.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code serve --backup-dir}: files on the interval, the newest N kept, the health check and the metrics. */
class ScheduledBackupsTest {
    static final CryptoSuite CRYPTO = CryptoSuite.select(CryptoSuite.Preference.AUTO);
    @TempDir
    Path tmp;

    @Test
    void aServingNodeBacksUpOnItsIntervalKeepsTheNewestAndReportsIt() throws Exception {
        Path backups = tmp.resolve("backups");
        KmsConfig config = KmsConfig.builder().dataDir(tmp.resolve("data")).port(0).build();
        try (KmsNode node = KmsNode.start(config, Clock.systemUTC(), new BackupSchedule(backups, Duration.ofSeconds(1), 2))) {
            KmsClient anonymous = KmsClient.anonymous("https://127.0.0.1:" + node.port() + "/kms/v1",
                    node.data().ca().ca().root());
            long deadline = System.currentTimeMillis() + 60_000;
            while (countBackups(backups) < 2 && System.currentTimeMillis() < deadline) {
                Thread.sleep(200);
            }
            // a few more runs, so that pruning has had something to prune
            node.backups().orElseThrow().runOnce();
            assertThat(node.backups().orElseThrow().runOnce()).exists();
            JsonNode health = anonymous.get("/health").json();
            JsonNode check = find(health, "backup");
            assertThat(check.get("status").asText()).as(health.toString()).isEqualTo("pass");
            String metrics = anonymous.get("/metrics").body();
            assertThat(metrics).containsPattern("kms_backup_last_success_timestamp_seconds [0-9.E]+")
                    .containsPattern("kms_backup_bytes [1-9][0-9.E]*");
        }
        // with the schedule stopped: only the newest two are left, and each is a whole backup
        assertThat(countBackups(backups)).isEqualTo(2);
        try (SoftwareMasterKeyProvider key = SoftwareMasterKeyProvider.load(config.masterKeyFile());
             Stream<Path> files = Files.list(backups)) {
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".kmsbak")).toList()) {
                assertThat(BackupFiles.verify(f, key, CRYPTO).header().rows("kms_keys")).isPositive();
            }
        }
    }

    @Test
    void healthWarnsWhenTheLastBackupIsOlderThanTwoIntervalsAndSaysWhy() throws Exception {
        Path backups = tmp.resolve("backups");
        MutableClock clock = MutableClock.atRealNow();
        String url = "jdbc:sqlite:" + tmp.resolve("kms.db");
        try (Database db = Database.open(url, null, null);
             SoftwareMasterKeyProvider key = SoftwareMasterKeyProvider.create(tmp.resolve("master.key"))) {
            boolean[] down = {true};
            ScheduledBackups scheduled = new ScheduledBackups(new BackupSchedule(backups, Duration.ofHours(1), 3),
                    new BackupCreator(CRYPTO, clock, TokenKeys.none()), () -> {
                        if (down[0]) {
                            throw new SQLException("store unreachable");
                        }
                        return db.snapshotConnection();
                    }, key, clock);
            assertThatThrownBy(scheduled::runOnce).hasMessageContaining("store unreachable");
            scheduled.check(); // young node: nothing expected yet
            clock.advance(Duration.ofMinutes(121));
            assertThatThrownBy(scheduled::check).hasMessageContaining("no backup").hasMessageContaining("store unreachable");

            down[0] = false;
            scheduled.runOnce();
            scheduled.check();
            assertThat(scheduled.lastSuccessEpochSeconds()).isEqualTo(clock.instant().toEpochMilli() / 1000.0);
            clock.advance(Duration.ofMinutes(119));
            scheduled.check();
            clock.advance(Duration.ofMinutes(2));
            assertThatThrownBy(scheduled::check).hasMessageContaining("last backup");

            // a restarted node remembers the newest file, so it is not "never backed up"
            ScheduledBackups restarted = new ScheduledBackups(new BackupSchedule(backups, Duration.ofHours(1), 3),
                    new BackupCreator(CRYPTO, clock, TokenKeys.none()), db::snapshotConnection, key, clock);
            assertThat(restarted.lastSuccessEpochSeconds()).isEqualTo(scheduled.lastSuccessEpochSeconds());
            assertThat(restarted.lastBytes()).isEqualTo(scheduled.lastBytes()).isPositive();
        }
    }

    @Test
    void settingsAreChecked() {
        List<String> problems = new java.util.ArrayList<>();
        new BackupSchedule(tmp, Duration.ZERO, 0).validate(problems);
        assertThat(problems).hasSize(2);
        assertThat(BackupSchedule.off().enabled()).isFalse();
    }

    private static long countBackups(Path dir) throws java.io.IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().startsWith("kms-backup-")).count();
        }
    }

    private static JsonNode find(JsonNode health, String name) {
        for (JsonNode c : health.get("checks")) {
            if (name.equals(c.get("name").asText())) {
                return c;
            }
        }
        throw new AssertionError("no check " + name + " in " + health);
    }
}
