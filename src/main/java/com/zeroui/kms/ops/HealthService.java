package com.zeroui.kms.ops;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs the named health checks and folds them into the spec's status: {@code healthy} when every
 * check passes, {@code degraded} when only non-critical checks fail, {@code unhealthy} otherwise.
 *
 * <p>{@code GET /health} needs no client certificate, so a call must not run the checks (a
 * database round trip, a master-key and a crypto self-test: milliseconds of CPU). Once
 * {@link #start started}, each check runs on its own schedule, every {@link #DEFAULT_MAX_AGE}
 * after its previous run ended, on its own thread so a slow check delays no other; {@link #check}
 * only reads the latest results. A check that has not answered for {@link #STALL_AFTER} is
 * reported failed. Before start (or without it) a result older than the maximum age is refreshed
 * by the call that finds it so.
 */
public final class HealthService implements AutoCloseable {
    public static final Duration DEFAULT_MAX_AGE = Duration.ofSeconds(1);
    /** A check still running this long after it started counts as failed: a hung dependency is not healthy. */
    public static final Duration STALL_AFTER = Duration.ofSeconds(5);

    public interface Check {
        /** Throws with a short reason when the dependency is not usable. */
        void run() throws Exception;
    }

    public record NamedCheck(String name, boolean critical, Check check) {
    }

    public record Result(String name, String status, String detail) {
    }

    public record Report(String status, List<Result> checks, Map<String, String> info) {
    }

    /** One check's latest result and when it was taken; {@code runningSince} is 0 while idle (System.nanoTime). */
    private static final class Cached {
        final NamedCheck check;
        volatile Result result;
        volatile long takenAt;
        volatile long runningSince;

        Cached(NamedCheck check) {
            this.check = check;
        }
    }

    private final List<Cached> checks;
    private final java.util.function.Supplier<Map<String, String>> info;
    private final long maxAgeNanos;
    private final long stallAfterNanos;
    private volatile ScheduledExecutorService schedule;

    public HealthService(List<NamedCheck> checks, Map<String, String> info) {
        this(checks, info, DEFAULT_MAX_AGE);
    }

    public HealthService(List<NamedCheck> checks, Map<String, String> info, Duration maxAge) {
        this(checks, info, maxAge, STALL_AFTER);
    }

    /** With {@code info} read at every report (values that change while the node runs, e.g. the current master-key version). */
    public HealthService(List<NamedCheck> checks, java.util.function.Supplier<Map<String, String>> info) {
        this(checks, info, DEFAULT_MAX_AGE, STALL_AFTER);
    }

    HealthService(List<NamedCheck> checks, Map<String, String> info, Duration maxAge, Duration stallAfter) {
        this(checks, constant(info), maxAge, stallAfter);
    }

    private static java.util.function.Supplier<Map<String, String>> constant(Map<String, String> info) {
        Map<String, String> copy = Map.copyOf(info);
        return () -> copy;
    }

    private HealthService(List<NamedCheck> checks, java.util.function.Supplier<Map<String, String>> info, Duration maxAge,
                          Duration stallAfter) {
        this.checks = checks.stream().map(Cached::new).toList();
        this.info = info;
        this.maxAgeNanos = maxAge.toNanos();
        this.stallAfterNanos = stallAfter.toNanos();
    }

    /** Runs every check now and then on its own schedule, on daemon threads, until {@link #close}. */
    public synchronized HealthService start() {
        if (schedule == null && !checks.isEmpty()) {
            schedule = Executors.newScheduledThreadPool(checks.size(), runnable -> {
                Thread thread = new Thread(runnable, "kms-health");
                thread.setDaemon(true);
                return thread;
            });
            for (Cached cached : checks) {
                schedule.scheduleWithFixedDelay(() -> refresh(cached), 0, maxAgeNanos, TimeUnit.NANOSECONDS);
            }
        }
        return this;
    }

    public Report check() {
        List<Result> results = new ArrayList<>(checks.size());
        boolean criticalFailed = false;
        boolean anyFailed = false;
        long now = System.nanoTime();
        for (Cached cached : checks) {
            Result result = current(cached, now);
            if (!"pass".equals(result.status())) {
                anyFailed = true;
                criticalFailed |= cached.check.critical();
            }
            results.add(result);
        }
        String status = criticalFailed ? "unhealthy" : anyFailed ? "degraded" : "healthy";
        return new Report(status, results, Map.copyOf(info.get()));
    }

    private Result current(Cached cached, long now) {
        if (cached.result == null || (schedule == null && now - cached.takenAt > maxAgeNanos)) {
            refresh(cached); // not yet run: the first caller pays once
        }
        long running = cached.runningSince;
        if (running != 0 && now - running > stallAfterNanos) {
            return failed(cached.check, "no answer for " + Duration.ofNanos(now - running).toSeconds() + " s");
        }
        return cached.result;
    }

    /** Runs one check and keeps its result; never throws (a scheduled task that throws is never run again). */
    private static void refresh(Cached cached) {
        long started = System.nanoTime();
        cached.runningSince = started;
        Result result;
        try {
            cached.check.check().run();
            result = new Result(cached.check.name(), "pass", null);
        } catch (Exception | LinkageError e) {
            result = failed(cached.check, reason(e));
        } finally {
            cached.runningSince = 0;
        }
        cached.result = result;
        cached.takenAt = started;
    }

    private static Result failed(NamedCheck check, String reason) {
        return new Result(check.name(), check.critical() ? "fail" : "warn", reason);
    }

    private static String reason(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return message.length() > 200 ? message.substring(0, 200) : message;
    }

    @Override
    public synchronized void close() {
        if (schedule != null) {
            schedule.shutdownNow();
        }
    }
}
