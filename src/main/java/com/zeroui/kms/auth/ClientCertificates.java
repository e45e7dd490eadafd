package com.zeroui.kms.auth;

import com.zeroui.kms.error.ErrorCode;
import com.zeroui.kms.error.KmsException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The caller a client certificate names, valid at the time of each request. The TLS handshake
 * checks validity only when a connection is set up; a kept-alive connection or one resumed from a
 * TLS 1.3 session ticket would otherwise keep an expired certificate working. So every request is
 * checked against the certificate's notBefore/notAfter here, on the service clock.
 *
 * <p>A certificate is read (URI SANs, validity) once and remembered: the per-request cost is a
 * hash lookup (a certificate caches its hash; Jetty hands the same instance to every request of a
 * TLS session) and two comparisons.
 */
public final class ClientCertificates {
    /** Bound on remembered certificates; past it the memory starts afresh (entries are cheap to rebuild). */
    static final int MAX_REMEMBERED = 10_000;

    private final SpiffeIdentities identities;
    private final Clock clock;
    private final Map<X509Certificate, Read> read = new ConcurrentHashMap<>();

    /** What a certificate says: its identity (null when it has no valid one) and validity in epoch milliseconds. */
    private record Read(CallerIdentity identity, long notBefore, long notAfter) {
    }

    public ClientCertificates(SpiffeIdentities identities, Clock clock) {
        this.identities = identities;
        this.clock = clock;
    }

    public SpiffeIdentities identities() {
        return identities;
    }

    /**
     * The identity of {@code certificate}, which must be valid now.
     *
     * @throws KmsException 401 UNAUTHENTICATED, {@code details.reason} {@code invalid_identity},
     *                      {@code certificate_expired} or {@code certificate_not_yet_valid}
     */
    public CallerIdentity authenticate(X509Certificate certificate) {
        Read entry = read.get(certificate);
        if (entry == null) {
            entry = readCertificate(certificate);
            if (read.size() >= MAX_REMEMBERED) {
                read.clear();
            }
            read.put(certificate, entry);
        }
        if (entry.identity() == null) {
            throw refused("invalid_identity", "the client certificate carries no identity in trust domain "
                    + identities.trustDomain() + ": expected exactly one valid SPIFFE ID, the URI SAN spiffe://"
                    + identities.trustDomain() + "/[tenant/<tenant_id>/]module/<module_id> (lowercase scheme and trust"
                    + " domain; no user info, port, query, fragment, percent-encoding or dot segments; no tenant/GLOBAL)");
        }
        long now = clock.millis();
        if (now < entry.notBefore()) {
            throw refused("certificate_not_yet_valid", "the client certificate is not valid before "
                    + Instant.ofEpochMilli(entry.notBefore()));
        }
        if (now > entry.notAfter()) { // RFC 5280 §4.1.2.5: notAfter is the last moment of validity
            throw refused("certificate_expired", "the client certificate expired at " + Instant.ofEpochMilli(entry.notAfter())
                    + "; renew it (POST /kms/v1/certificates)");
        }
        return entry.identity();
    }

    private Read readCertificate(X509Certificate certificate) {
        return new Read(identities.identityOf(certificate).orElse(null), certificate.getNotBefore().getTime(),
                certificate.getNotAfter().getTime());
    }

    private static KmsException refused(String reason, String message) {
        return new KmsException(ErrorCode.UNAUTHENTICATED, message, Map.of("reason", reason));
    }
}
