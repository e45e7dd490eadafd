package com.zeroui.kms.backup;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Periodic backups into a directory, keeping the newest {@code keep} files; off when {@code dir} is null.
 */
public record BackupSchedule(Path dir, Duration interval, int keep) {
    public static final Duration DEFAULT_INTERVAL = Duration.ofHours(1);
    public static final int DEFAULT_KEEP = 24;

    public static BackupSchedule off() {
        return new BackupSchedule(null, DEFAULT_INTERVAL, DEFAULT_KEEP);
    }

    public boolean enabled() {
        return dir != null;
    }

    /** Adds what is wrong with the settings to {@code problems}. */
    public void validate(List<String> problems) {
        if (interval == null || interval.compareTo(Duration.ofSeconds(1)) < 0) {
            problems.add("backup interval must be at least PT1S, got " + interval);
        }
        if (keep < 1) {
            problems.add("backup keep must be at least 1, got " + keep);
        }
    }
}
