package com.zeroui.kms.compliance;

import com.zeroui.kms.ops.HealthService;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A control evidenced by the health checks whose names start with {@code healthPrefix} (an exact
 * name or a family like {@code event_sink:}): pass when they pass, fail when any does not, and
 * {@code whenAbsent} when none is configured (no backup schedule is a warning, say).
 */
public record HealthBackedCheck(String control, String check, String supports, String healthPrefix,
                                ComplianceStatus whenAbsent, String absentSummary) implements ComplianceCheck {

    @Override
    public List<ComplianceItem> evaluate(ComplianceInputs inputs) {
        List<HealthService.Result> results = healthPrefix.endsWith(":")
                ? inputs.healthChecksStartingWith(healthPrefix)
                : inputs.healthCheck(healthPrefix).stream().toList();
        if (results.isEmpty()) {
            return List.of(new ComplianceItem(control, check, whenAbsent, supports, absentSummary,
                    Map.of("health_check", healthPrefix, "configured", false)));
        }
        List<ComplianceItem> items = new ArrayList<>();
        for (HealthService.Result result : results) {
            Map<String, Object> evidence = new LinkedHashMap<>();
            evidence.put("health_check", result.name());
            evidence.put("health_status", result.status());
            evidence.put("detail", result.detail());
            boolean passed = "pass".equals(result.status());
            String name = results.size() == 1 && !healthPrefix.endsWith(":") ? check
                    : check + ":" + result.name().substring(healthPrefix.length());
            items.add(new ComplianceItem(control, name, passed ? ComplianceStatus.PASS : ComplianceStatus.FAIL,
                    supports, passed ? result.name() + " passes its latest self-test"
                    : result.name() + " fails: " + result.detail(), evidence));
        }
        return items;
    }
}
