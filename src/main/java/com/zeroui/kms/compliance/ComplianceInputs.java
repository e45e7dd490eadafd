package com.zeroui.kms.compliance;

import com.zeroui.kms.ops.HealthService;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The live state a check reads: the latest health results and the effective configuration. */
public record ComplianceInputs(HealthService.Report health, Map<String, Object> config, Instant now) {

    public Optional<HealthService.Result> healthCheck(String name) {
        return health.checks().stream().filter(c -> c.name().equals(name)).findFirst();
    }

    public List<HealthService.Result> healthChecksStartingWith(String prefix) {
        return health.checks().stream().filter(c -> c.name().startsWith(prefix)).toList();
    }

    /** A value nested in the effective configuration, e.g. {@code "dual_authorization", "always"}. */
    public Object configValue(String... path) {
        Object current = config;
        for (String step : path) {
            if (!(current instanceof Map<?, ?> map)) {
                return null;
            }
            current = map.get(step);
        }
        return current;
    }
}
