package com.zeroui.kms.compliance;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Issued certificates (client and server, not OCSP responders) close to expiry: a workload whose
 * certificate lapses is locked out, so the report warns while there is time to renew. Expiry itself
 * is enforced per request, so this is never a failure; the CA certificates are the
 * {@code ca_certificates} item. One COUNT over the issued certificates per report.
 */
public final class CertificateExpiryCheck implements ComplianceCheck {
    public static final Duration WINDOW = Duration.ofDays(7);

    /** Active issued certificates with {@code now < not_after <= until}. */
    @FunctionalInterface
    public interface ExpiringCount {
        long count(Instant now, Instant until);
    }

    private final ExpiringCount expiring;
    private final Duration window;

    public CertificateExpiryCheck(ExpiringCount expiring, Duration window) {
        this.expiring = expiring;
        this.window = window;
    }

    @Override
    public List<ComplianceItem> evaluate(ComplianceInputs in) {
        long count = expiring.count(in.now(), in.now().plus(window));
        Map<String, Object> evidence = new LinkedHashMap<>();
        String days = window.toDays() + " days";
        evidence.put("window", "P" + window.toDays() + "D");
        evidence.put("expiring_certificates", count);
        String summary = count == 0 ? "no active issued certificate expires within " + days
                : count + " active issued certificate(s) expire within " + days + ": renew them (GET /kms/v1/certificates"
                + " lists them with not_after)";
        return List.of(new ComplianceItem("CC6.1", "certificates_expiring", count == 0 ? ComplianceStatus.PASS
                : ComplianceStatus.WARN, "PKI: issued certificates renewed before they expire", summary, evidence));
    }
}
