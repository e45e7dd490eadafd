package com.zeroui.kms.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zeroui.kms.error.ErrorCode;
import com.zeroui.kms.error.KmsException;
import com.zeroui.kms.support.AdjustableClock;
import com.zeroui.kms.trust.InternalCa;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A client certificate's identity, refused outside its validity period on every call. */
class ClientCertificatesTest {
    final AdjustableClock clock = new AdjustableClock(Instant.parse("2026-01-01T00:00:00Z"));
    final SpiffeIdentities ids = new SpiffeIdentities("zeroui.local");
    final InternalCa ca = InternalCa.generate("zeroui.local", clock).ca();
    final ClientCertificates certificates = new ClientCertificates(ids, clock);

    X509Certificate issue(Duration ttl, String... uris) {
        return ca.issueClient(InternalCa.newEcKeyPair().getPublic(), "M21", List.of(uris), ttl);
    }

    static void assertRefused(Runnable call, String reason) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(KmsException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHENTICATED);
            assertThat(e.details()).containsEntry("reason", reason);
        });
    }

    @Test
    void validFromNotBeforeThroughNotAfterInclusive() {
        X509Certificate cert = issue(Duration.ofMinutes(5), ids.spiffeId("acme", "M21"));
        assertThat(certificates.authenticate(cert).spiffeId()).isEqualTo("spiffe://zeroui.local/tenant/acme/module/M21");

        clock.advance(Duration.between(clock.instant(), cert.getNotAfter().toInstant()));
        assertThat(certificates.authenticate(cert).moduleId()).as("the last moment of validity").isEqualTo("M21");
        clock.advance(Duration.ofMillis(1));
        assertRefused(() -> certificates.authenticate(cert), "certificate_expired");

        clock.advance(Duration.between(clock.instant(), cert.getNotBefore().toInstant()));
        assertThat(certificates.authenticate(cert).moduleId()).isEqualTo("M21");
        clock.advance(Duration.ofMillis(-1));
        assertRefused(() -> certificates.authenticate(cert), "certificate_not_yet_valid");
    }

    @Test
    void aRememberedCertificateIsStillCheckedAgainstTheClock() {
        X509Certificate cert = issue(Duration.ofMinutes(5), ids.spiffeId("acme", "M21"));
        certificates.authenticate(cert);
        clock.advance(Duration.ofMinutes(6));
        assertRefused(() -> certificates.authenticate(cert), "certificate_expired");
    }

    @Test
    void aCertificateWithoutAValidIdentityIsRefused() {
        assertRefused(() -> certificates.authenticate(issue(Duration.ofMinutes(5),
                "spiffe://x@zeroui.local/tenant/acme/module/M21")), "invalid_identity");
    }
}
