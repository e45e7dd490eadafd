package com.zeroui.kms.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.zeroui.kms.support.AdjustableClock;
import com.zeroui.kms.trust.InternalCa;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Console sign-in: one-time codes, sessions bound to one identity, idle and absolute expiry. */
class ConsoleSessionsTest {
    final AdjustableClock clock = new AdjustableClock(Instant.parse("2026-01-01T00:00:00Z"));
    final InternalCa ca = InternalCa.generate("zeroui.local", clock).ca();
    final ConsoleSessions sessions = new ConsoleSessions(clock, Duration.ofMinutes(2), Duration.ofMinutes(15),
            Duration.ofHours(8));
    final CallerIdentity alice = new CallerIdentity("alice", "acme", Set.of(Role.APPROVER),
            "spiffe://zeroui.local/tenant/acme/module/alice");

    X509Certificate certificate(Duration ttl) {
        return ca.issueClient(InternalCa.newEcKeyPair().getPublic(), "alice",
                List.of("spiffe://zeroui.local/tenant/acme/module/alice"), ttl);
    }

    @Test
    void aCodeIsSpentOnceForASessionOfItsIdentity() {
        ConsoleSessions.LoginCode code = sessions.issue(alice, certificate(Duration.ofDays(1)));
        ConsoleSessions.Established s = sessions.exchange(code.code()).orElseThrow();
        assertThat(s.session().identity()).isEqualTo(alice);
        assertThat(s.sessionId()).hasSize(43).isNotEqualTo(code.code());
        assertThat(s.session().csrfToken()).hasSize(43).isNotEqualTo(s.sessionId());
        assertThat(sessions.exchange(code.code())).isEmpty();
        assertThat(sessions.find(s.sessionId()).orElseThrow().identity()).isEqualTo(alice);
        assertThat(sessions.find(s.sessionId() + "x")).isEmpty();
    }

    @Test
    void codesExpire() {
        ConsoleSessions.LoginCode code = sessions.issue(alice, certificate(Duration.ofDays(1)));
        clock.advance(Duration.ofMinutes(2));
        assertThat(sessions.exchange(code.code())).isEmpty();
    }

    @Test
    void sessionsEndWhenIdleAfterTheirLifetimeAndOnLogout() {
        X509Certificate cert = certificate(Duration.ofDays(1));
        String idle = sessions.exchange(sessions.issue(alice, cert).code()).orElseThrow().sessionId();
        String busy = sessions.exchange(sessions.issue(alice, cert).code()).orElseThrow().sessionId();
        String leaving = sessions.exchange(sessions.issue(alice, cert).code()).orElseThrow().sessionId();
        sessions.end(leaving);
        assertThat(sessions.find(leaving)).isEmpty();
        clock.advance(Duration.ofMinutes(10));
        assertThat(sessions.find(busy)).isPresent();
        clock.advance(Duration.ofMinutes(10));
        assertThat(sessions.find(idle)).isEmpty(); // 20 minutes without use
        assertThat(sessions.find(busy)).isPresent(); // 10
        Instant end = Instant.parse("2026-01-01T08:00:00Z");
        while (clock.instant().plus(Duration.ofMinutes(14)).isBefore(end)) {
            clock.advance(Duration.ofMinutes(14));
            assertThat(sessions.find(busy)).isPresent(); // used every 14 minutes: never idle
        }
        clock.advance(Duration.ofMinutes(14)); // past 8 hours, 14 minutes after its last use
        assertThat(sessions.find(busy)).isEmpty();
    }

    @Test
    void aSessionNeverOutlivesItsCertificate() {
        ConsoleSessions.Established s = sessions.exchange(sessions.issue(alice, certificate(Duration.ofHours(1))).code())
                .orElseThrow();
        assertThat(s.session().expiresAt()).isBeforeOrEqualTo(Instant.parse("2026-01-01T01:00:00Z"));
    }
}
