package com.zeroui.kms.compliance;

import com.zeroui.kms.ops.HealthService;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Builds the compliance report from live state. The report is cached for {@link #DEFAULT_TTL} so
 * that scrapes and dashboards polling it cost one evaluation, not one per call.
 */
public final class ComplianceService {
    public static final Duration DEFAULT_TTL = Duration.ofSeconds(5);

    private final Supplier<HealthService.Report> health;
    private final Map<String, Object> config;
    private final List<ComplianceCheck> checks;
    private final Clock clock;
    private final Duration ttl;
    private ComplianceReport cached;

    public ComplianceService(Supplier<HealthService.Report> health, Map<String, Object> config,
                             List<ComplianceCheck> checks, Clock clock, Duration ttl) {
        this.health = health;
        this.config = Map.copyOf(new LinkedHashMap<>(withoutNulls(config)));
        this.checks = List.copyOf(checks);
        this.clock = clock;
        this.ttl = ttl;
    }

    /** The controls every node checks, in report order. */
    public static List<ComplianceCheck> standardChecks() {
        return List.of(
                new ConfiguredControlsCheck(),
                new FipsModeCheck(),
                new HealthBackedCheck("CC6.1", "hsm", "Key storage: HSM (PKCS#11)", "hsm",
                        ComplianceStatus.PASS, "no HSM configured: master key in a software file"),
                new HealthBackedCheck("CC6.8", "audit_integrity", "Audit: tamper-evident receipt log", "audit_integrity",
                        ComplianceStatus.FAIL, "the audit-log self-check is not running"),
                new HealthBackedCheck("CC6.8", "backup", "Operations: backup and restore", "backup",
                        ComplianceStatus.WARN, "no backup schedule: nothing shows backups are taken"),
                new HealthBackedCheck("CC6.8", "receipt_sink", "Audit: receipts forwarded off the node", "receipt_sink:",
                        ComplianceStatus.PASS, "no receipt sink configured"),
                new HealthBackedCheck("CC6.8", "event_sink", "Events: delivery to sinks", "event_sink:",
                        ComplianceStatus.PASS, "no event sink configured"),
                new HealthBackedCheck("CC6.1", "ca_certificates", "PKI: CA and responder certificates valid",
                        "ca_certificates", ComplianceStatus.WARN, "CA expiry is not checked"));
    }

    public synchronized ComplianceReport report() {
        Instant now = clock.instant();
        if (cached == null || !now.isBefore(cached.generatedAt().plus(ttl)) || now.isBefore(cached.generatedAt())) {
            ComplianceInputs inputs = new ComplianceInputs(health.get(), config, now);
            List<ComplianceItem> items = new ArrayList<>();
            for (ComplianceCheck check : checks) {
                items.addAll(check.evaluate(inputs));
            }
            cached = ComplianceReport.of(now, items);
        }
        return cached;
    }

    /** {@code [control, check] -> gauge value} for {@code kms_compliance_check}. */
    public Map<List<String>, Double> gauges() {
        Map<List<String>, Double> values = new LinkedHashMap<>();
        for (ComplianceItem item : report().items()) {
            values.put(List.of(item.control(), item.check()), item.status().gaugeValue());
        }
        return values;
    }

    private static Map<String, Object> withoutNulls(Map<String, Object> config) {
        Map<String, Object> copy = new LinkedHashMap<>();
        config.forEach((k, v) -> {
            if (v != null) {
                copy.put(k, v);
            }
        });
        return copy;
    }
}
