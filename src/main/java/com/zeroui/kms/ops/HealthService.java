package com.zeroui.kms.ops;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs the named health checks and folds them into the spec's status: {@code healthy} when every
 * check passes, {@code degraded} when only non-critical checks fail, {@code unhealthy} otherwise.
 */
public final class HealthService {
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

    private final List<NamedCheck> checks;
    private final Map<String, String> info;

    public HealthService(List<NamedCheck> checks, Map<String, String> info) {
        this.checks = List.copyOf(checks);
        this.info = Map.copyOf(info);
    }

    public Report check() {
        List<Result> results = new ArrayList<>();
        boolean criticalFailed = false;
        boolean anyFailed = false;
        for (NamedCheck c : checks) {
            try {
                c.check().run();
                results.add(new Result(c.name(), "pass", null));
            } catch (Exception e) {
                anyFailed = true;
                criticalFailed |= c.critical();
                results.add(new Result(c.name(), c.critical() ? "fail" : "warn", reason(e)));
            }
        }
        String status = criticalFailed ? "unhealthy" : anyFailed ? "degraded" : "healthy";
        return new Report(status, results, info);
    }

    private static String reason(Exception e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return message.length() > 200 ? message.substring(0, 200) : message;
    }
}
