package com.zeroui.kms.trust.pki;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zeroui.kms.support.AdjustableClock;
import com.zeroui.kms.trust.InternalCa;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The ca_certificates health check: which certificate expires soon, and when. */
class CaExpiryCheckTest {
    AdjustableClock clock;
    InternalCa ca;
    Instant rootExpiry;
    Instant issuingExpiry;
    AtomicReference<Optional<Instant>> responder = new AtomicReference<>(Optional.empty());
    CaExpiryCheck check;

    @BeforeEach
    void setUp() {
        clock = new AdjustableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
        ca = InternalCa.generate("zeroui.local", clock).ca(); // root 10 years, issuing 5 years
        rootExpiry = ca.root().getNotAfter().toInstant();
        issuingExpiry = ca.issuing().getNotAfter().toInstant();
        check = CaExpiryCheck.of(() -> ca, responder::get, clock);
    }

    private void at(Instant instant) {
        clock.advance(Duration.between(clock.instant(), instant));
    }

    @Test
    void passesWhileEverythingIsFarFromExpiry() {
        responder.set(Optional.of(clock.instant().plus(Duration.ofDays(25))));
        assertThatCode(check::run).doesNotThrowAnyException();
    }

    @Test
    void passesBeforeAnyResponderExists() {
        assertThatCode(check::run).doesNotThrowAnyException();
    }

    @Test
    void warnsWhenTheIssuingCaIsWithinThirtyDays() {
        at(issuingExpiry.minus(Duration.ofDays(29)));
        assertThatThrownBy(check::run).hasMessage("issuing CA certificate expires "
                + issuingExpiry.truncatedTo(ChronoUnit.SECONDS) + " (in 29 d)");
    }

    @Test
    void justOutsideTheWindowStillPasses() {
        at(issuingExpiry.minus(Duration.ofDays(30)).minusSeconds(1));
        assertThatCode(check::run).doesNotThrowAnyException();
    }

    @Test
    void namesEveryCertificateCloseToExpiry() {
        at(rootExpiry.minus(Duration.ofDays(3)));
        responder.set(Optional.of(clock.instant().plus(Duration.ofDays(2))));
        assertThatThrownBy(check::run).hasMessage("root CA certificate expires " + rootExpiry.truncatedTo(ChronoUnit.SECONDS)
                + " (in 3 d); issuing CA certificate expired " + issuingExpiry.truncatedTo(ChronoUnit.SECONDS)
                + "; OCSP responder certificate expires " + clock.instant().plus(Duration.ofDays(2)) + " (in 2 d)");
    }

    @Test
    void theResponderWarnsOnlyOnceItsRenewalIsOverdue() {
        responder.set(Optional.of(clock.instant().plus(Duration.ofDays(8)))); // inside the renewal window, not yet late
        assertThatCode(check::run).doesNotThrowAnyException();
        Instant late = clock.instant().plus(Duration.ofDays(6));
        responder.set(Optional.of(late));
        assertThatThrownBy(check::run).hasMessage("OCSP responder certificate expires " + late + " (in 6 d)");
    }
}
