package com.zeroui.kms.app;

import com.zeroui.kms.backup.BackupCreator;
import com.zeroui.kms.backup.BackupSchedule;
import com.zeroui.kms.backup.ScheduledBackups;
import com.zeroui.kms.backup.TokenHeldKeys;
import com.zeroui.kms.crypto.CryptoSuite;
import com.zeroui.kms.ops.HealthService;
import com.zeroui.kms.ops.Metrics;
import java.time.Clock;
import java.util.List;

/** Scheduled backups wiring: the backups, their health check and gauges; the schedule starts once the node serves. */
final class BackupWiring {
    private BackupWiring() {
    }

    /** The backups, not yet started; null when the schedule is off. */
    static ScheduledBackups create(BackupSchedule schedule, DataDirectory data, CryptoSuite crypto, Clock clock,
                                   List<HealthService.NamedCheck> checks, Metrics metrics, StartedResources started) {
        if (!schedule.enabled()) {
            return null;
        }
        ScheduledBackups backups = started.add("scheduled backups", new ScheduledBackups(schedule,
                new BackupCreator(crypto, clock, new TokenHeldKeys(data.masterKey())),
                data.database()::snapshotConnection, data.masterKey(), clock));
        // a missed backup degrades health; the service itself is unaffected
        checks.add(new HealthService.NamedCheck("backup", false, backups::check));
        metrics.registerBackups(backups::lastSuccessEpochSeconds, backups::lastBytes);
        return backups;
    }
}
