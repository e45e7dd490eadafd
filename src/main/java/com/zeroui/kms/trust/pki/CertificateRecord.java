package com.zeroui.kms.trust.pki;

import java.time.Instant;

/**
 * One certificate the internal CA issued, with its revocation state.
 *
 * @param serial           lower-case hex without leading zeros (as {@code BigInteger.toString(16)})
 * @param subject          the identity: a SPIFFE ID for client certificates, {@code dns:NAME} or
 *                         {@code ip:ADDRESS} (the first name) for server certificates
 * @param revoked          true while the certificate is revoked (a certificateHold included)
 * @param requestedBy      SPIFFE ID of the enrolling caller; null when issued offline from a data directory
 * @param keyAlgorithm     the subject key, e.g. EC-P256; null for certificates issued before enrollment existed
 */
public record CertificateRecord(String serial, String caId, String subject, String profile, Instant notBefore,
                                Instant notAfter, String certificatePem, Instant issuedAt, boolean revoked,
                                Instant revokedAt, RevocationReason revocationReason, String requestedBy,
                                String keyAlgorithm) {

    /** What the API shows: revoked, expired or active. */
    public Status status(Instant now) {
        if (revoked) {
            return Status.REVOKED;
        }
        return now.isBefore(notAfter) ? Status.ACTIVE : Status.EXPIRED;
    }

    public CertificateRecord withRevocation(boolean nowRevoked, Instant at, RevocationReason reason) {
        return new CertificateRecord(serial, caId, subject, profile, notBefore, notAfter, certificatePem, issuedAt,
                nowRevoked, at, reason, requestedBy, keyAlgorithm);
    }

    public enum Status {
        ACTIVE, REVOKED, EXPIRED;

        public String apiName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public static java.util.Optional<Status> fromApiName(String name) {
            return java.util.Arrays.stream(values()).filter(s -> s.apiName().equals(name)).findFirst();
        }
    }
}
