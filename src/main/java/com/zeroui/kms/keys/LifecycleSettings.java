package com.zeroui.kms.keys;

import java.time.Period;

/**
 * The lifecycle's configured figures.
 *
 * @param rotationSchedule       active keys older than this are rotated automatically (per-key override possible)
 * @param gracePeriod            how long a rotated key still verifies and decrypts before it is archived
 * @param destructionWindowDays  default wait between scheduling a destruction and erasing the material
 * @param autoRotation           whether the scheduler rotates keys that reach their schedule
 */
public record LifecycleSettings(Period rotationSchedule, Period gracePeriod, int destructionWindowDays,
                                boolean autoRotation) {
    public static final int MIN_DESTRUCTION_WINDOW_DAYS = 7;
    public static final int MAX_DESTRUCTION_WINDOW_DAYS = 30;

    /** The rotation schedule in days, as the scheduler's SQL compares it (months count as 30 days). */
    public int rotationScheduleDays() {
        return (int) Math.min(Integer.MAX_VALUE, rotationSchedule.toTotalMonths() * 30 + rotationSchedule.getDays());
    }
}
