package com.zeroui.kms.trust.validation;

import java.math.BigInteger;
import java.time.Instant;
import java.util.Optional;

/**
 * The status of a certificate as the service's own OCSP responder would give it, read from the
 * certificate store at the moment of validation: a revocation is seen by validation as soon as by
 * mTLS and OCSP, with no CRL re-signing or cache in between. Counts as revocation source {@code ocsp}.
 */
@FunctionalInterface
public interface ResponderStatus {

    /**
     * @param issuerSpki the DER SubjectPublicKeyInfo of the certificate's issuer
     * @return the answer when this responder is authoritative for that issuer and knows the serial, else empty
     */
    Optional<Answer> status(byte[] issuerSpki, BigInteger serial);

    /** {@code revokedAt} and {@code crlReason} (RFC 5280 CRLReason, -1 for none) only when revoked. */
    record Answer(boolean revoked, Instant revokedAt, int crlReason) {
        public static Answer good() {
            return new Answer(false, null, -1);
        }
    }
}
