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
 */
public record LifecycleConfig(int destructionWindowDays, Duration schedulerInterval, boolean autoRotation) {

    public static LifecycleConfig defaults() {
        return new LifecycleConfig(30, Duration.ofMinutes(1), true);
    }

    void validate(List<String> problems) {
        if (destructionWindowDays < 7 || destructionWindowDays > 30) {
            problems.add("destruction window " + destructionWindowDays + " days is outside 7..30");
        }
        if (schedulerInterval.compareTo(Duration.ofSeconds(1)) < 0 || schedulerInterval.compareTo(Duration.ofDays(1)) > 0) {
            problems.add("lifecycle scheduler interval " + schedulerInterval + " is outside PT1S..P1D");
        }
    }
}
