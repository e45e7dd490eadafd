package com.zeroui.kms.trust.pki;

import com.zeroui.kms.ops.HealthService;
import com.zeroui.kms.trust.InternalCa;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Health check {@code ca_certificates}: fails (a warning, the check is not critical) when the root,
 * the issuing CA or the OCSP responder certificate expires soon, naming which and when. The CAs are
 * renewed by an operator, so they warn {@link #CA_WARNING} ahead. The responder certificate lives
 * 30 days and is renewed by the service {@link OcspSigningKey#RENEW_BEFORE} before it expires, so it
 * warns only once that renewal is overdue ({@link #RESPONDER_WARNING}).
 */
public final class CaExpiryCheck implements HealthService.Check {
    public static final Duration CA_WARNING = Duration.ofDays(30);
    public static final Duration RESPONDER_WARNING = Duration.ofDays(7);

    private final Supplier<InternalCa> ca;
    private final Supplier<Optional<Instant>> responderNotAfter;
    private final Clock clock;
    private final Duration caWarning;
    private final Duration responderWarning;

    /** @param responderNotAfter when the stored OCSP responder certificate expires; empty before the first OCSP answer */
    public CaExpiryCheck(Supplier<InternalCa> ca, Supplier<Optional<Instant>> responderNotAfter, Clock clock,
                         Duration caWarning, Duration responderWarning) {
        this.ca = ca;
        this.responderNotAfter = responderNotAfter;
        this.clock = clock;
        this.caWarning = caWarning;
        this.responderWarning = responderWarning;
    }

    public static CaExpiryCheck of(Supplier<InternalCa> ca, Supplier<Optional<Instant>> responderNotAfter, Clock clock) {
        return new CaExpiryCheck(ca, responderNotAfter, clock, CA_WARNING, RESPONDER_WARNING);
    }

    @Override
    public void run() {
        Instant now = clock.instant();
        InternalCa current = ca.get();
        List<String> soon = new ArrayList<>();
        check("root CA", notAfter(current.root()), caWarning, now, soon);
        check("issuing CA", notAfter(current.issuing()), caWarning, now, soon);
        responderNotAfter.get().ifPresent(at -> check("OCSP responder", at, responderWarning, now, soon));
        if (!soon.isEmpty()) {
            throw new IllegalStateException(String.join("; ", soon));
        }
    }

    private static void check(String which, Instant notAfter, Duration warning, Instant now, List<String> soon) {
        if (!notAfter.isAfter(now)) {
            soon.add(which + " certificate expired " + notAfter.truncatedTo(ChronoUnit.SECONDS));
        } else if (!notAfter.isAfter(now.plus(warning))) {
            long days = Duration.between(now, notAfter).toDays();
            soon.add(which + " certificate expires " + notAfter.truncatedTo(ChronoUnit.SECONDS) + " (in " + days + " d)");
        }
    }

    private static Instant notAfter(X509Certificate certificate) {
        return certificate.getNotAfter().toInstant();
    }
}
