package com.zeroui.kms.cli;

import com.zeroui.kms.backup.BackupSchedule;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Scheduled backups of {@code serve}; each option has a KMS_* environment twin. Off unless --backup-dir is given. */
final class BackupOptions {
    @Option(names = "--backup-dir", defaultValue = "${env:KMS_BACKUP_DIR}", paramLabel = "DIR",
            description = "Write an encrypted backup (as `kms backup create`) into DIR every --backup-interval. Off by default."
                    + " Env KMS_BACKUP_DIR")
    Path dir;

    @Option(names = "--backup-interval", defaultValue = "${env:KMS_BACKUP_INTERVAL:-PT1H}",
            description = "Time between scheduled backups (ISO-8601, at least PT1S); health warns after two."
                    + " Env KMS_BACKUP_INTERVAL. Default: ${DEFAULT-VALUE}")
    Duration interval;

    @Option(names = "--backup-keep", defaultValue = "${env:KMS_BACKUP_KEEP:-24}",
            description = "How many scheduled backups to keep in --backup-dir (older ones are deleted). Env KMS_BACKUP_KEEP."
                    + " Default: ${DEFAULT-VALUE}")
    int keep;

    BackupSchedule schedule() {
        BackupSchedule schedule = new BackupSchedule(dir, interval, keep);
        List<String> problems = new ArrayList<>();
        schedule.validate(problems);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid configuration: " + String.join("; ", problems));
        }
        return schedule;
    }
}
