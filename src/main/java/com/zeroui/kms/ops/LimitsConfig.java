package com.zeroui.kms.ops;

import java.time.Duration;
import java.util.List;

/**
 * Rate limits on sign, verify, encrypt and decrypt (token buckets in each node's memory: with N
 * nodes the cluster admits up to N times these rates) and policy-violation detection.
 *
 * @param keyRatePerSecond     sustained operations per second per key; 0 = no limit
 * @param keyBurst             operations a key may take at once (bucket size)
 * @param callerRatePerSecond  sustained operations per second per caller identity (tenant + module); 0 = no limit
 * @param callerBurst          operations a caller may take at once
 * @param violationThreshold   policy violations on one key within {@code violationWindow} that trigger the
 *                             threshold action; 0 = detection off
 * @param violationWindow      the sliding window for {@code violationThreshold}
 * @param admission            the node's bound on requests in flight and waiting ({@link AdmissionConfig})
 */
public record LimitsConfig(double keyRatePerSecond, long keyBurst, double callerRatePerSecond, long callerBurst,
                           int violationThreshold, Duration violationWindow, AdmissionConfig admission) {

    public LimitsConfig {
        admission = admission == null ? AdmissionConfig.defaults() : admission;
    }

    /** With the default admission control. */
    public LimitsConfig(double keyRatePerSecond, long keyBurst, double callerRatePerSecond, long callerBurst,
                        int violationThreshold, Duration violationWindow) {
        this(keyRatePerSecond, keyBurst, callerRatePerSecond, callerBurst, violationThreshold, violationWindow, null);
    }

    public static LimitsConfig defaults() {
        return new LimitsConfig(5_000, 10_000, 10_000, 20_000, 0, Duration.ofMinutes(10));
    }

    public LimitsConfig withAdmission(AdmissionConfig newAdmission) {
        return new LimitsConfig(keyRatePerSecond, keyBurst, callerRatePerSecond, callerBurst, violationThreshold,
                violationWindow, newAdmission);
    }

    void validate(List<String> problems) {
        admission.validate(problems);
        checkRate("per-key", keyRatePerSecond, keyBurst, problems);
        checkRate("per-caller", callerRatePerSecond, callerBurst, problems);
        if (violationThreshold < 0) {
            problems.add("policy violation threshold " + violationThreshold + " must be 0 (off) or more");
        }
        if (violationWindow == null || violationWindow.compareTo(Duration.ofSeconds(1)) < 0
                || violationWindow.compareTo(Duration.ofDays(7)) > 0) {
            problems.add("policy violation window " + violationWindow + " is outside PT1S..P7D");
        }
    }

    private static void checkRate(String name, double rate, long burst, List<String> problems) {
        if (!(rate >= 0) || rate > 1e9 || Double.isInfinite(rate)) {
            problems.add(name + " rate limit " + rate + "/s is outside 0 (no limit)..1e9");
        }
        if (rate > 0 && (burst < 1 || burst > 1_000_000_000L)) {
            problems.add(name + " burst " + burst + " is outside 1..1e9");
        }
    }
}
