package com.zeroui.kms.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zeroui.kms.trust.InternalCa;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SpiffeIdentitiesTest {
    private final SpiffeIdentities ids = new SpiffeIdentities("zeroui.local");

    @Test
    void tenantBoundModule() {
        CallerIdentity c = ids.parse("spiffe://zeroui.local/tenant/acme/module/M21").orElseThrow();
        assertThat(c.moduleId()).isEqualTo("M21");
        assertThat(c.tenantId()).isEqualTo("acme");
        assertThat(c.isAdmin()).isFalse();
        assertThat(c.mayActFor("acme")).isTrue();
        assertThat(c.mayActFor("other")).isFalse();
    }

    @Test
    void platformModuleIsBoundToGlobal() {
        CallerIdentity c = ids.parse("spiffe://zeroui.local/module/M27").orElseThrow();
        assertThat(c.tenantId()).isEqualTo(CallerIdentity.GLOBAL_TENANT);
    }

    @ParameterizedTest
    @ValueSource(strings = {"spiffe://other.domain/module/M21", "https://zeroui.local/module/M21",
            "spiffe://zeroui.local/module/", "spiffe://zeroui.local/module/M21/extra", "spiffe://zeroui.local/tenant//module/M21",
            "spiffe://zeroui.local/module/M 21", "spiffe://zeroui.local/module/M21?x=1", "spiffe://zeroui.local/module/M21#f",
            "spiffe://zeroui.local/tenant/a/b/module/M21", "not a uri", "spiffe://zeroui.local/module/..%2Fadmin"})
    void rejectsAnythingElse(String uri) {
        assertThat(ids.parse(uri)).isEmpty();
    }

    @Test
    void readsIdentityAndRolesFromACertificate() {
        InternalCa ca = InternalCa.generate("zeroui.local", Clock.systemUTC()).ca();
        var keys = InternalCa.newEcKeyPair();
        var cert = ca.issueClient(keys.getPublic(), "M21", List.of(ids.spiffeId("acme", "M21"), Role.ADMIN.urn(),
                "urn:zeroui:kms:role:superuser"), Duration.ofDays(1));
        CallerIdentity c = ids.identityOf(cert).orElseThrow();
        assertThat(c.moduleId()).isEqualTo("M21");
        assertThat(c.roles()).containsExactly(Role.ADMIN);
        assertThat(c.mayActFor("anyone")).isTrue();
    }

    @Test
    void twoIdentitiesInOneCertificateAreRefused() {
        InternalCa ca = InternalCa.generate("zeroui.local", Clock.systemUTC()).ca();
        var keys = InternalCa.newEcKeyPair();
        var cert = ca.issueClient(keys.getPublic(), "M21", List.of(ids.spiffeId("a", "M21"), ids.spiffeId("b", "M21")),
                Duration.ofDays(1));
        assertThat(ids.identityOf(cert)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"spiffe://x@zeroui.local/tenant/acme/module/M21", "spiffe://zeroui.local:1/tenant/acme/module/M21",
            "spiffe://zeroui.local/tenant/GLOBAL/module/M21", "SPIFFE://zeroui.local/tenant/acme/module/M21",
            "spiffe://zeroui.local/tenant/acme/module/M21/"})
    void aCertificateWithAMalformedSpiffeIdCarriesNoIdentity(String uri) {
        InternalCa ca = InternalCa.generate("zeroui.local", Clock.systemUTC()).ca();
        var keys = InternalCa.newEcKeyPair();
        var cert = ca.issueClient(keys.getPublic(), "M21", List.of(uri, Role.APPROVER.urn()), Duration.ofDays(1));
        assertThat(ids.identityOf(cert)).isEmpty();
        var alongsideAGoodOne = ca.issueClient(keys.getPublic(), "M21", List.of(ids.spiffeId("acme", "M21"), uri),
                Duration.ofDays(1));
        assertThat(ids.identityOf(alongsideAGoodOne)).as("never pick one of two").isEmpty();
    }

    @Test
    void identitiesCarryTheCanonicalString() {
        assertThat(ids.parse("spiffe://zeroui.local/tenant/acme/module/M21").orElseThrow().spiffeId())
                .isEqualTo(new SpiffeId("zeroui.local", "acme", "M21").toString());
    }

    @Test
    void buildsOnlyValidIds() {
        assertThatThrownBy(() -> ids.spiffeId("GLOBAL", "M21")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("reserved");
        assertThat(ids.spiffeId(null, "M21")).isEqualTo("spiffe://zeroui.local/module/M21");
        assertThatThrownBy(() -> ids.spiffeId("a/b", "M21")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ids.spiffeId(null, "")).isInstanceOf(IllegalArgumentException.class);
    }
}
