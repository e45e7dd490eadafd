package com.zeroui.kms.compliance;

import static org.assertj.core.api.Assertions.assertThat;

import com.zeroui.kms.ops.HealthService;
import com.zeroui.kms.support.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ComplianceServiceTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-03T10:00:00Z"));

    private static HealthService.NamedCheck passing(String name) {
        return new HealthService.NamedCheck(name, false, () -> { });
    }

    private static HealthService.NamedCheck failing(String name, String reason) {
        return new HealthService.NamedCheck(name, false, () -> {
            throw new IllegalStateException(reason);
        });
    }

    private static Map<String, Object> config(boolean fips) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("fips_mode", fips);
        m.put("fips_module", fips ? Map.of("name", "BCFIPS") : null);
        m.put("destruction_waiting_period", "P30D");
        m.put("master_key_provider", "file");
        m.put("dual_authorization", Map.of("always", List.of("destroy"), "global_tenant_keys", List.of()));
        return m;
    }

    private ComplianceReport report(List<HealthService.NamedCheck> checks, Map<String, Object> config) {
        List<HealthService.NamedCheck> all = new ArrayList<>(List.of(passing("master_key"), passing("audit_integrity"),
                passing("ca_certificates")));
        all.addAll(checks);
        HealthService health = new HealthService(all, Map.of());
        return new ComplianceService(health::check, config, ComplianceService.standardChecks(), clock,
                ComplianceService.DEFAULT_TTL).report();
    }

    private static ComplianceItem item(ComplianceReport report, String check) {
        return report.items().stream().filter(i -> i.check().equals(check)).findFirst()
                .orElseThrow(() -> new AssertionError("no item " + check + " in " + report.items()));
    }

    @Test
    void aHealthyFipsNodeWithABackupSchedulePasses() {
        ComplianceReport report = report(List.of(passing("backup"), passing("fips_module"), passing("event_sink:nats")),
                config(true));
        assertThat(report.items()).allSatisfy(i -> assertThat(i.status()).as(i.check()).isEqualTo(ComplianceStatus.PASS));
        assertThat(report.status()).isEqualTo(ComplianceStatus.PASS);
        assertThat(item(report, "fips_mode").evidence()).containsEntry("self_test", "pass");
        assertThat(item(report, "event_sink:nats").control()).isEqualTo("CC6.8");
    }

    @Test
    void fipsOffFailsTheFipsControl() {
        ComplianceReport report = report(List.of(passing("backup")), config(false));
        ComplianceItem fips = item(report, "fips_mode");
        assertThat(fips.status()).isEqualTo(ComplianceStatus.FAIL);
        assertThat(fips.control()).isEqualTo("CC6.1");
        assertThat(fips.evidence()).containsEntry("fips_mode", false);
        assertThat(report.status()).isEqualTo(ComplianceStatus.FAIL);
    }

    @Test
    void noBackupScheduleWarnsAndAStaleBackupFails() {
        assertThat(item(report(List.of(), config(true)), "backup").status()).isEqualTo(ComplianceStatus.WARN);
        ComplianceItem stale = item(report(List.of(failing("backup", "last successful backup 3 days ago")), config(true)),
                "backup");
        assertThat(stale.status()).isEqualTo(ComplianceStatus.FAIL);
        assertThat(stale.summary()).contains("last successful backup 3 days ago");
        assertThat(stale.evidence()).containsEntry("health_check", "backup");
    }

    @Test
    void aLaggingSinkIsNamed() {
        ComplianceReport report = report(List.of(passing("backup"), failing("event_sink:webhook-1", "lag 10m exceeds 5m"),
                failing("receipt_sink:siem", "900 receipts unacknowledged")), config(true));
        assertThat(item(report, "event_sink:webhook-1").status()).isEqualTo(ComplianceStatus.FAIL);
        assertThat(item(report, "event_sink:webhook-1").summary()).contains("lag 10m exceeds 5m");
        assertThat(item(report, "receipt_sink:siem").status()).isEqualTo(ComplianceStatus.FAIL);
    }

    @Test
    void aFailingMasterKeySelfTestFailsItsControl() {
        HealthService health = new HealthService(List.of(failing("master_key", "unwrap failed")), Map.of());
        ComplianceReport report = new ComplianceService(health::check, config(true), ComplianceService.standardChecks(),
                clock, ComplianceService.DEFAULT_TTL).report();
        assertThat(item(report, "master_key").status()).isEqualTo(ComplianceStatus.FAIL);
        // the audit self-check not running at all is a failure, not a silent pass
        assertThat(item(report, "audit_integrity").status()).isEqualTo(ComplianceStatus.FAIL);
    }

    @Test
    void theReportIsCachedForItsTtlThenRebuilt() {
        AtomicInteger evaluations = new AtomicInteger();
        ComplianceCheck counting = inputs -> {
            evaluations.incrementAndGet();
            return List.of();
        };
        HealthService health = new HealthService(List.of(), Map.of());
        ComplianceService service = new ComplianceService(health::check, Map.of(), List.of(counting), clock,
                Duration.ofSeconds(5));
        service.report();
        service.gauges();
        clock.advance(Duration.ofSeconds(4));
        service.report();
        assertThat(evaluations).hasValue(1);
        clock.advance(Duration.ofSeconds(1));
        service.report();
        assertThat(evaluations).hasValue(2);
    }

    @Test
    void gaugesCarryControlCheckAndValue() {
        HealthService health = new HealthService(List.of(failing("backup", "stale")), Map.of());
        ComplianceService service = new ComplianceService(health::check, config(false), ComplianceService.standardChecks(),
                clock, ComplianceService.DEFAULT_TTL);
        assertThat(service.gauges()).containsEntry(List.of("CC6.8", "backup"), 0.0)
                .containsEntry(List.of("CC6.1", "fips_mode"), 0.0)
                .containsEntry(List.of("CC6.1", "mtls"), 1.0);
    }

    /** A stalled signer is a fault the real log cannot be made to show on demand: a repository answering only size and head. */
    private static com.zeroui.kms.audit.AuditRepository log(long size, com.zeroui.kms.audit.TreeHead head) {
        return (com.zeroui.kms.audit.AuditRepository) java.lang.reflect.Proxy.newProxyInstance(
                ComplianceServiceTest.class.getClassLoader(), new Class<?>[] {com.zeroui.kms.audit.AuditRepository.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "size" -> size;
                    case "latestTreeHead" -> java.util.Optional.ofNullable(head);
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    void unsignedReceiptsOlderThanTheLimitFailTheTreeHeadItem() {
        Instant signedAt = clock.instant().minus(Duration.ofMinutes(10));
        var head = new com.zeroui.kms.audit.TreeHead(100, "ab", signedAt, "k1", "sig");
        ComplianceInputs inputs = new ComplianceInputs(new HealthService(List.of(), Map.of()).check(), Map.of(),
                clock.instant());
        ComplianceItem current = new TreeHeadCheck(log(100, head), Duration.ofMinutes(1)).evaluate(inputs).get(0);
        assertThat(current.status()).as("an old head over an unchanged log").isEqualTo(ComplianceStatus.PASS);
        assertThat(current.evidence()).containsEntry("age", "PT10M").containsEntry("tree_size", 100L);

        ComplianceItem stalled = new TreeHeadCheck(log(150, head), Duration.ofMinutes(1)).evaluate(inputs).get(0);
        assertThat(stalled.status()).isEqualTo(ComplianceStatus.FAIL);
        assertThat(stalled.check()).isEqualTo("signed_tree_head");
        assertThat(stalled.evidence()).containsEntry("unsigned_receipts", 50L);
        assertThat(new TreeHeadCheck(log(150, head), Duration.ofMinutes(30)).evaluate(inputs).get(0).status())
                .isEqualTo(ComplianceStatus.PASS);
    }
}
