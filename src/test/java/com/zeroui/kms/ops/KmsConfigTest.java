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
        assertThatThrownBy(() -> KmsConfig.builder().bindAddress("").port(70000).dataDir(Path.of("d"))
                .database("jdbc:mysql://x", null, null).hostnames(List.of("bad host!")).trustDomain("UPPER")
                .maxRequestBytes(10).keyCacheSize(0).aeadInvocationLimit(1L << 33).maxUsagePerDayDefault(0)
                .clientCertificateTtl(Duration.ofDays(1)).serverCertificateTtl(Duration.ZERO)
                .receiptWebhookUrl(java.net.URI.create("ftp://ledger"))
                .events(new EventsConfig(java.util.Set.of(), java.net.URI.create("http://nats"), "bad stream!",
                        List.of(java.net.URI.create("ftp://hook")), Duration.ZERO))
                .jwt(null)
                .lifecycle(new LifecycleConfig(3, Duration.ZERO, true))
                .approvals(new ApprovalConfig(Duration.ofSeconds(1), Duration.ZERO, java.util.Set.of("explode"), true,
                        List.of(new ApprovalConfig.ExternalIssuer("bad name!", Path.of("/nonexistent/gov.pem")))))
                .limits(new LimitsConfig(-1, 0, 5, 0, -1, Duration.ZERO))
                .pki(new PkiConfig(java.net.URI.create("https://kms.example/?q=1"), Duration.ofMinutes(1), Duration.ofDays(31)))
                .build())
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
        assertThatThrownBy(() -> d.toBuilder().jwt(new JwtSettings(true, List.of(), Set.of(), Duration.ofSeconds(60))).build())
                .hasMessageContaining("require JWT is on but no --jwt-issuer");
        assertThatThrownBy(() -> d.toBuilder().jwt(new JwtSettings(false, List.of(JwtSettings.TrustedIssuer.parse("iam"),
                JwtSettings.TrustedIssuer.parse("iam=key:not-a-uuid"), JwtSettings.TrustedIssuer.parse("=jwks:/x")),
                Set.of("spiffe://elsewhere/module/M21", "M21"), Duration.ofMinutes(6))).build())
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
        assertThatThrownBy(() -> d.toBuilder().jwt(withoutAudience).build()).hasMessageContaining("no --jwt-audience is set");
        KmsConfig ok = d.toBuilder().jwt(withoutAudience.withAudience("kms.zeroui.local")).build();
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
        KmsConfig named = KmsConfig.builder().bindAddress("0.0.0.0").port(0).dataDir(Path.of("d"))
                .hostnames(List.of("*.kms.example", "kms.example")).build();
        assertThat(named.publicUrl(9000)).hasToString("https://kms.example:9000");
        assertThat(d.toBuilder().pki(d.pki().withPublicUrl(java.net.URI.create("http://crl.example/pki/"))).build().publicUrl(1))
                .hasToString("http://crl.example/pki");
        assertThat(d.pki().maxCertificateTtl()).isEqualTo(Duration.ofDays(365));
        assertThat(d.pki().crlValidity()).isEqualTo(Duration.ofHours(24));
    }

    @Test
    void builderValidatesOnBuildAndTheBuiltConfigurationIsUnaffectedByLaterChanges() {
        KmsConfig.Builder builder = KmsConfig.builder().dataDir(Path.of("d")).port(9443);
        KmsConfig built = builder.build();
        builder.port(70000);
        assertThat(built.port()).isEqualTo(9443);
        assertThatThrownBy(builder::build).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("port 70000 is outside 0..65535");
        assertThatThrownBy(() -> KmsConfig.builder().build()).hasMessageContaining("data directory");
    }

    @Test
    void toBuilderKeepsEverySettingAndDerivesVariants() {
        KmsConfig original = KmsConfig.builder().dataDir(Path.of("d")).port(0).aeadInvocationLimit(1030)
                .database("jdbc:postgresql://h/db", "u", "p").hostnames(List.of("kms.example"))
                .cryptoProvider(CryptoSuite.Preference.FIPS).rotation(Period.ofDays(30), Period.ofDays(1)).build();
        KmsConfig copy = original.toBuilder().build();
        assertThat(copy).usingRecursiveComparison().isEqualTo(original);
        KmsConfig variant = original.toBuilder().maxUsagePerDayDefault(5).build();
        assertThat(variant.maxUsagePerDayDefault()).isEqualTo(5);
        assertThat(variant.aeadInvocationLimit()).isEqualTo(1030);
        assertThat(original.maxUsagePerDayDefault()).isEqualTo(100_000);
    }

    @Test
    void toStringRedactsTheDatabasePassword() {
        KmsConfig c = KmsConfig.builder().dataDir(Path.of("d"))
                .database("jdbc:postgresql://h/db?password=hunter2", "u", "hunter2").build();
        assertThat(c.toString()).doesNotContain("hunter2");
    }
}
