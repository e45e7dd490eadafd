package com.zeroui.kms.trust.pki;

import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The serials of revoked, unexpired certificates, held in memory so that authentication can
 * refuse a revoked client certificate at the cost of a set lookup. Reloaded when the store's
 * revocation epochs changed: right after a revocation on this node, and on a timer for
 * revocations made through other nodes.
 */
public final class RevokedSerials {
    private static final Logger LOG = LoggerFactory.getLogger(RevokedSerials.class);
    private static final com.zeroui.kms.error.FailureLog FAILURES = new com.zeroui.kms.error.FailureLog(LOG);

    private final CertificateStore store;
    private final Clock clock;
    private volatile Set<String> serials = Set.of();
    private long loadedEpochs = -1;

    public RevokedSerials(CertificateStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    public boolean isRevoked(X509Certificate certificate) {
        Set<String> current = serials;
        return !current.isEmpty() && current.contains(serial(certificate.getSerialNumber()));
    }

    private static String serial(BigInteger value) {
        return value.toString(16);
    }

    /** Reloads when any revocation changed since the last load. Keeps the previous set when the store is down. */
    public synchronized void refresh() {
        try {
            long epochs = store.revocationEpochs();
            if (epochs != loadedEpochs) {
                serials = Set.copyOf(store.revokedSerials(clock.instant()));
                loadedEpochs = epochs;
            }
        } catch (RuntimeException e) {
            FAILURES.warn("reloading revoked certificate serials failed (keeping the last known set)", e);
        }
    }
}
