package com.zeroui.kms.ops;

import java.time.Duration;
import java.util.List;

/**
 * The lifecycle scheduler's settings (the rotation schedule and grace period are top-level, as the
 * spec's config names them).
 *
 * @param destructionWindowDays default wait before a scheduled destruction erases the material (7–30)
 * @param schedulerInterval     how often each node archives, destroys and rotates what is due
 * @param autoRotation          whether keys past their schedule are rotated automatically
 * @param serviceKeyRotation    how often the service's own signing keys (receipt, approval, trust-bundle) are replaced
 * @param serviceKeyOverlap     how long a replaced service key stays valid (nodes switch, verifiers fetch the new one)
 * @param auditRetention        how long every sealed audit archive is kept after its newest receipt (deletion before: refused)
 * @param eventRetention        how long delivered events stay in the outbox (the scheduler prunes older ones)
 * @param auditArchiveDir       where sealed archives are kept; null: {@code <data-dir>/audit-archives}
 */
public record LifecycleConfig(int destructionWindowDays, Duration schedulerInterval, boolean autoRotation,
                              java.time.Period serviceKeyRotation, Duration serviceKeyOverlap,
                              java.time.Period auditRetention, Duration eventRetention, java.nio.file.Path auditArchiveDir) {
    public static final java.time.Period DEFAULT_SERVICE_KEY_ROTATION = java.time.Period.ofDays(90);
    public static final Duration DEFAULT_SERVICE_KEY_OVERLAP = Duration.ofDays(1);
    public static final java.time.Period DEFAULT_AUDIT_RETENTION = java.time.Period.ofYears(7);
    public static final Duration DEFAULT_EVENT_RETENTION = Duration.ofDays(30);
    public static final String DEFAULT_ARCHIVE_DIR_NAME = "audit-archives";

    public LifecycleConfig(int destructionWindowDays, Duration schedulerInterval, boolean autoRotation,
                           java.time.Period serviceKeyRotation, Duration serviceKeyOverlap) {
        this(destructionWindowDays, schedulerInterval, autoRotation, serviceKeyRotation, serviceKeyOverlap,
                DEFAULT_AUDIT_RETENTION, DEFAULT_EVENT_RETENTION, null);
    }

    public LifecycleConfig(int destructionWindowDays, Duration schedulerInterval, boolean autoRotation) {
        this(destructionWindowDays, schedulerInterval, autoRotation, DEFAULT_SERVICE_KEY_ROTATION,
                DEFAULT_SERVICE_KEY_OVERLAP);
    }

    public static LifecycleConfig defaults() {
        return new LifecycleConfig(30, Duration.ofMinutes(1), true);
    }

    public LifecycleConfig withServiceKeyRotation(java.time.Period rotation, Duration overlap) {
        return new LifecycleConfig(destructionWindowDays, schedulerInterval, autoRotation, rotation, overlap,
                auditRetention, eventRetention, auditArchiveDir);
    }

    public LifecycleConfig withRetention(java.time.Period audit, Duration events, java.nio.file.Path archiveDir) {
        return new LifecycleConfig(destructionWindowDays, schedulerInterval, autoRotation, serviceKeyRotation,
                serviceKeyOverlap, audit, events, archiveDir);
    }

    /** Where sealed archives are kept for a node whose data directory is {@code dataDir}. */
    public java.nio.file.Path archiveDir(java.nio.file.Path dataDir) {
        return auditArchiveDir != null ? auditArchiveDir.toAbsolutePath().normalize()
                : dataDir.resolve(DEFAULT_ARCHIVE_DIR_NAME);
    }

    void validate(List<String> problems) {
        if (auditRetention == null || auditRetention.isNegative() || auditRetention.isZero()) {
            problems.add("audit retention " + auditRetention + " must be positive, e.g. P7Y");
        }
        if (eventRetention == null || eventRetention.isNegative() || eventRetention.isZero()) {
            problems.add("event retention " + eventRetention + " must be positive, e.g. P30D");
        }
        if (destructionWindowDays < 7 || destructionWindowDays > 30) {
            problems.add("destruction window " + destructionWindowDays + " days is outside 7..30");
        }
        if (schedulerInterval.compareTo(Duration.ofSeconds(1)) < 0 || schedulerInterval.compareTo(Duration.ofDays(1)) > 0) {
            problems.add("lifecycle scheduler interval " + schedulerInterval + " is outside PT1S..P1D");
        }
        if (serviceKeyRotation.isNegative() || serviceKeyRotation.isZero() || serviceKeyRotation.toTotalMonths() > 0) {
            problems.add("service key rotation " + serviceKeyRotation + " must be a positive number of days, e.g. P90D");
        } else if (serviceKeyOverlap.isNegative() || serviceKeyOverlap.toDays() >= serviceKeyRotation.getDays()
                || serviceKeyOverlap.compareTo(schedulerInterval) < 0) {
            problems.add("service key overlap " + serviceKeyOverlap + " must be at least the lifecycle interval "
                    + schedulerInterval + " (every node switches within it) and shorter than the rotation "
                    + serviceKeyRotation);
        }
    }
}
