package com.zeroui.kms.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zeroui.kms.crypto.CryptoSuite;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Period;
import java.util.List;
import org.junit.jupiter.api.Test;

class KmsConfigTest {
    @Test
    void defaultsAreTheEmbeddedPlane() {
        KmsConfig c = KmsConfig.defaults(Path.of("kms-data"));
        assertThat(c.bindAddress()).isEqualTo("127.0.0.1");
        assertThat(c.port()).isEqualTo(8443);
        assertThat(c.databaseUrl()).startsWith("jdbc:sqlite:").endsWith("kms-data/kms.db");
        assertThat(c.maxRequestBytes()).isEqualTo(1024 * 1024);
        assertThat(c.aeadInvocationLimit()).isEqualTo(1L << 32);
        assertThat(c.rotationSchedule()).isEqualTo(Period.ofDays(90));
    }

    @Test
    void reportsEveryProblemAtOnceWithNamesAndRanges() {
        assertThatThrownBy(() -> new KmsConfig("", 70000, Path.of("d"), "jdbc:mysql://x", null, null, List.of("bad host!"),
                "UPPER", CryptoSuite.Preference.AUTO, 10, 0, 1L << 33, Period.ofDays(90), Period.ofDays(7), 0,
                Duration.ofDays(1), Duration.ZERO, java.net.URI.create("ftp://ledger"),
                new ApprovalConfig(Duration.ofSeconds(1), Duration.ZERO, java.util.Set.of("explode"), true,
                        List.of(new ApprovalConfig.ExternalIssuer("bad name!", Path.of("/nonexistent/gov.pem")))),
                new LimitsConfig(-1, 0, 5, 0, -1, Duration.ZERO)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bind address").hasMessageContaining("port 70000")
                .hasMessageContaining("database URL").hasMessageContaining("bad host!")
                .hasMessageContaining("trust domain").hasMessageContaining("max request bytes 10")
                .hasMessageContaining("key cache size").hasMessageContaining("2^32")
                .hasMessageContaining("max usage per day").hasMessageContaining("certificate lifetimes")
                .hasMessageContaining("receipt webhook URL")
                .hasMessageContaining("approval token TTL PT1S").hasMessageContaining("approval request TTL PT0S")
                .hasMessageContaining("approval-required operation 'explode'")
                .hasMessageContaining("approval issuer name 'bad name!'").hasMessageContaining("/nonexistent/gov.pem")
                .hasMessageContaining("per-key rate limit -1.0/s").hasMessageContaining("per-caller burst 0")
                .hasMessageContaining("policy violation threshold -1").hasMessageContaining("policy violation window PT0S");
    }

    @Test
    void governanceDefaultsAreGenerousAndApprovalOperationListsParse() {
        KmsConfig c = KmsConfig.defaults(Path.of("d"));
        assertThat(c.approvals().tokenTtl()).isEqualTo(Duration.ofMinutes(10));
        assertThat(c.approvals().rules().alwaysRequiredSorted())
                .containsExactly("emergency_rotate", "schedule_destruction", "update_policy");
        assertThat(c.approvals().globalTenantKeys()).isTrue();
        assertThat(c.limits().keyRatePerSecond()).isEqualTo(5000);
        assertThat(c.limits().violationThreshold()).isZero();
        assertThat(ApprovalConfig.parseOperations("none")).isEmpty();
        assertThat(ApprovalConfig.parseOperations(" Revoke, rotate ")).containsExactlyInAnyOrder("revoke", "rotate");
        assertThat(ApprovalConfig.ExternalIssuer.parse("m32=/etc/kms/m32.pem"))
                .isEqualTo(new ApprovalConfig.ExternalIssuer("m32", Path.of("/etc/kms/m32.pem")));
        assertThatThrownBy(() -> ApprovalConfig.ExternalIssuer.parse("m32"))
                .hasMessageContaining("NAME=PATH_TO_PUBLIC_KEY.pem");
    }

    @Test
    void toStringRedactsTheDatabasePassword() {
        KmsConfig c = KmsConfig.defaults(Path.of("d")).withDatabase("jdbc:postgresql://h/db?password=hunter2", "u", "hunter2");
        assertThat(c.toString()).doesNotContain("hunter2");
    }
}
