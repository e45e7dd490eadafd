package com.zeroui.kms.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zeroui.kms.ops.AdmissionConfig;
import com.zeroui.kms.ops.ApprovalConfig;
import com.zeroui.kms.ops.KmsConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

class GovernanceOptionsTest {
    @Command(name = "probe")
    static final class Probe {
        @Mixin
        GovernanceOptions governance;
    }

    private static KmsConfig parse(String... args) {
        Probe probe = new Probe();
        new CommandLine(probe).parseArgs(args);
        return probe.governance.applyTo(KmsConfig.builder().dataDir(Path.of("d"))).build();
    }

    @Test
    void defaultsMatchTheEmbeddedConfiguration() {
        KmsConfig c = parse();
        KmsConfig d = KmsConfig.defaults(Path.of("d"));
        assertThat(c.approvals()).isEqualTo(d.approvals());
        assertThat(c.limits()).isEqualTo(d.limits());
        assertThat(c.maxUsagePerDayDefault()).isEqualTo(d.maxUsagePerDayDefault());
    }

    @Test
    void flagsReachTheConfiguration() throws Exception {
        Path pem = Files.createTempFile("gov-", ".pem");
        try {
            KmsConfig c = parse("--approval-token-ttl", "PT2M", "--approval-request-ttl", "PT1H",
                    "--approval-required-operations", "revoke,update_policy", "--approval-global-tenant", "false",
                    "--approval-issuer", "m32=" + pem, "--max-usage-per-day-default", "500", "--key-rate-limit", "50",
                    "--key-rate-burst", "60", "--caller-rate-limit", "0", "--violation-threshold", "5",
                    "--violation-window", "PT30S");
            assertThat(c.approvals().tokenTtl()).isEqualTo(Duration.ofMinutes(2));
            assertThat(c.approvals().requestTtl()).isEqualTo(Duration.ofHours(1));
            assertThat(c.approvals().alwaysRequired()).containsExactlyInAnyOrder("revoke", "update_policy");
            assertThat(c.approvals().globalTenantKeys()).isFalse();
            assertThat(c.approvals().externalIssuers()).containsExactly(new ApprovalConfig.ExternalIssuer("m32", pem));
            assertThat(c.maxUsagePerDayDefault()).isEqualTo(500);
            assertThat(c.limits().keyRatePerSecond()).isEqualTo(50);
            assertThat(c.limits().keyBurst()).isEqualTo(60);
            assertThat(c.limits().callerRatePerSecond()).isZero();
            assertThat(c.limits().violationThreshold()).isEqualTo(5);
            assertThat(c.limits().violationWindow()).isEqualTo(Duration.ofSeconds(30));
        } finally {
            Files.delete(pem);
        }
    }

    @Test
    void badValuesNameTheOption() {
        assertThatThrownBy(() -> parse("--approval-token-ttl", "10 minutes"))
                .hasMessageContaining("approval token TTL").hasMessageContaining("ISO-8601");
        assertThatThrownBy(() -> parse("--approval-required-operations", "sign"))
                .hasMessageContaining("approval-required operation 'sign'");
        assertThatThrownBy(() -> parse("--approval-issuer", "m32=/no/such/file.pem"))
                .hasMessageContaining("/no/such/file.pem");
    }
    private static AdmissionConfig admission(int processors, String... args) {
        Probe probe = new Probe();
        new CommandLine(probe).parseArgs(args);
        return probe.governance.admission(processors);
    }

    @Test
    void admissionDefaultsToAutoWhichFollowsTheProcessors() {
        assertThat(admission(2)).isEqualTo(new AdmissionConfig(16, 16, Duration.ofMillis(5)));
        assertThat(admission(1)).as("at least 16 slots").isEqualTo(new AdmissionConfig(16, 16, Duration.ofMillis(5)));
        assertThat(admission(8)).isEqualTo(new AdmissionConfig(64, 64, Duration.ofMillis(5)));
        assertThat(admission(4, "--max-concurrent-requests", "AUTO", "--max-queued-requests", "auto"))
                .isEqualTo(AdmissionConfig.forProcessors(4));
        assertThat(parse().limits().admission()).as("what serve builds").isEqualTo(AdmissionConfig.defaults());
    }

    @Test
    void admissionNumbersOverrideAutoAndAnAutoQueueFollowsExplicitSlots() {
        assertThat(admission(2, "--max-concurrent-requests", "40", "--max-queued-requests", "3", "--max-queue-wait", "PT0.02S"))
                .isEqualTo(new AdmissionConfig(40, 3, Duration.ofMillis(20)));
        assertThat(admission(2, "--max-concurrent-requests", "40")).isEqualTo(new AdmissionConfig(40, 40, Duration.ofMillis(5)));
        assertThat(admission(2, "--max-concurrent-requests", "0").enabled()).as("0 is off").isFalse();
        assertThatThrownBy(() -> parse("--max-concurrent-requests", "many"))
                .hasMessageContaining("max concurrent requests 'many'").hasMessageContaining("auto");
        assertThatThrownBy(() -> parse("--max-queued-requests", "-1")).hasMessageContaining("max queued requests -1");
        assertThatThrownBy(() -> parse("--max-queue-wait", "PT2M")).hasMessageContaining("max queue wait PT2M");
    }
}
