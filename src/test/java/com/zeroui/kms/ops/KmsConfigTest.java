package com.zeroui.kms.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zeroui.kms.auth.JwtSettings;
import com.zeroui.kms.crypto.CryptoSuite;
import com.zeroui.kms.events.EventType;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Period;
import java.util.List;
import java.util.Set;
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
                new EventsConfig(java.util.Set.of(), java.net.URI.create("http://nats"), "bad stream!",
                        List.of(java.net.URI.create("ftp://hook")), Duration.ZERO), null,
                new LifecycleConfig(3, Duration.ZERO, true),
                new ApprovalConfig(Duration.ofSeconds(1), Duration.ZERO, java.util.Set.of("explode"), true,
                        List.of(new ApprovalConfig.ExternalIssuer("bad name!", Path.of("/nonexistent/gov.pem")))),
                new LimitsConfig(-1, 0, 5, 0, -1, Duration.ZERO),
                new PkiConfig(java.net.URI.create("https://kms.example/?q=1"), Duration.ofMinutes(1), Duration.ofDays(31))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bind address").hasMessageContaining("port 70000")
                .hasMessageContaining("database URL").hasMessageContaining("bad host!")
                .hasMessageContaining("trust domain").hasMessageContaining("max request bytes 10")
                .hasMessageContaining("key cache size").hasMessageContaining("2^32")
                .hasMessageContaining("max usage per day").hasMessageContaining("certificate lifetimes")
                .hasMessageContaining("receipt webhook URL").hasMessageContaining("NATS URL")
                .hasMessageContaining("NATS stream name").hasMessageContaining("event webhook URL")
                .hasMessageContaining("lag threshold").hasMessageContaining("public URL")
                .hasMessageContaining("max certificate TTL PT1M").hasMessageContaining("CRL validity PT744H").hasMessageContaining("destruction window 3 days")
                .hasMessageContaining("lifecycle scheduler interval")
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
    void eventTypesParseFromAllNoneOrAList() {
        assertThat(EventsConfig.parseTypes("all")).hasSize(EventType.values().length);
        assertThat(EventsConfig.parseTypes(" none ")).isEmpty();
        assertThat(EventsConfig.parseTypes("key_generated, key_rotated"))
                .containsExactlyInAnyOrder(EventType.KEY_GENERATED, EventType.KEY_ROTATED);
        assertThatThrownBy(() -> EventsConfig.parseTypes("key_generated,key_exploded"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("key_exploded");
    }

    @Test
    void jwtSettingsAreValidatedWithTheRest() {
        KmsConfig d = KmsConfig.defaults(Path.of("d"));
        assertThatThrownBy(() -> d.withJwt(new JwtSettings(true, List.of(), Set.of(), Duration.ofSeconds(60))))
                .hasMessageContaining("require JWT is on but no --jwt-issuer");
        assertThatThrownBy(() -> d.withJwt(new JwtSettings(false, List.of(JwtSettings.TrustedIssuer.parse("iam"),
                JwtSettings.TrustedIssuer.parse("iam=key:not-a-uuid"), JwtSettings.TrustedIssuer.parse("=jwks:/x")),
                Set.of("spiffe://elsewhere/module/M21", "M21"), Duration.ofMinutes(6))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("JWT issuer 'iam' must be ISSUER=jwks:FILE or ISSUER=key:KEY_ID")
                .hasMessageContaining("key:not-a-uuid is not a KMS key id")
                .hasMessageContaining("JWT issuer '=jwks:/x' must be")
                .hasMessageContaining("JWT exemption 'spiffe://elsewhere/module/M21'")
                .hasMessageContaining("JWT exemption 'M21'")
                .hasMessageContaining("clock skew 360 s is outside 0..300 s");
        JwtSettings withoutAudience = new JwtSettings(true, List.of(JwtSettings.TrustedIssuer.parse(
                "https://iam.zeroui.local=key:0190a0b1-2c3d-7e4f-8a9b-0c1d2e3f4a5b")),
                Set.of("spiffe://zeroui.local/module/M21"), Duration.ZERO);
        assertThatThrownBy(() -> d.withJwt(withoutAudience)).hasMessageContaining("no --jwt-audience is set");
        KmsConfig ok = d.withJwt(withoutAudience.withAudience("kms.zeroui.local"));
        assertThat(ok.jwt().audience()).isEqualTo("kms.zeroui.local");
        assertThat(ok.jwt().issuers().get(0).issuer()).isEqualTo("https://iam.zeroui.local");
        assertThat(ok.jwt().issuers().get(0).source()).isEqualTo(JwtSettings.KeySource.KMS_KEY);
        assertThat(d.jwt().configured()).isFalse();
        assertThat(d.jwt().required()).isFalse();
    }

    @Test
    void publicUrlDefaultsToTheFirstHostnameAndTheBoundPort() {
        KmsConfig d = KmsConfig.defaults(Path.of("d"));
        assertThat(d.publicUrl(8443)).hasToString("https://127.0.0.1:8443");
        KmsConfig named = new KmsConfig("0.0.0.0", 0, Path.of("d"), null, null, null, List.of("*.kms.example", "kms.example"),
                "zeroui.local", CryptoSuite.Preference.AUTO, KmsConfig.DEFAULT_MAX_REQUEST_BYTES, 10, 1, Period.ofDays(90),
                Period.ofDays(7), 1, Duration.ofDays(1), Duration.ofDays(1), null, null, null, null, null, null, null);
        assertThat(named.publicUrl(9000)).hasToString("https://kms.example:9000");
        assertThat(d.withPki(d.pki().withPublicUrl(java.net.URI.create("http://crl.example/pki/"))).publicUrl(1))
                .hasToString("http://crl.example/pki");
        assertThat(d.pki().maxCertificateTtl()).isEqualTo(Duration.ofDays(365));
        assertThat(d.pki().crlValidity()).isEqualTo(Duration.ofHours(24));
    }

    @Test
    void toStringRedactsTheDatabasePassword() {
        KmsConfig c = KmsConfig.defaults(Path.of("d")).withDatabase("jdbc:postgresql://h/db?password=hunter2", "u", "hunter2");
        assertThat(c.toString()).doesNotContain("hunter2");
    }
}
