package com.zeroui.kms.trust.pki;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Storage for enrollment and revocation: issued certificates with their revocation state, each
 * CA's cached CRL with the counters that keep CRLs consistent across nodes, and the delegated
 * OCSP responders (private keys only wrapped).
 */
public interface CertificateStore {

    void insert(CertificateRecord certificate);

    Optional<CertificateRecord> find(String serial);

    /**
     * A page in issue order. {@code status} null: any; {@code subject} null: any; {@code expiringBefore}
     * null: any; {@code after} null: from the start. Expired-ness is judged at {@code now}.
     */
    List<CertificateRecord> list(ListFilter filter, int limit);

    record ListFilter(CertificateRecord.Status status, String subject, Instant expiringBefore, Instant now,
                      PageMark after) {
    }

    /** Where a page ended: issue time and serial of its last row. */
    record PageMark(Instant issuedAt, String serial) {
    }

    /**
     * Changes the revocation state of {@code expected} to that of {@code updated} if the row still
     * holds {@code expected}'s state, and counts the change in the CA's revocation epoch, in one
     * transaction. False when another writer changed the row first.
     */
    boolean changeRevocation(CertificateRecord expected, CertificateRecord updated);

    /** Revoked certificates of a CA that are not expired at {@code at}, for its CRL. */
    List<CertificateRecord> revokedBy(String caId, Instant at);

    /** Serials of revoked certificates not expired at {@code at}, across CAs. */
    List<String> revokedSerials(Instant at);

    /**
     * How many certificates are active (not revoked) at {@code now} and expire by {@code until}.
     * OCSP responder certificates are left out: they are renewed automatically.
     */
    long countExpiring(Instant now, Instant until);

    /** Sum of all CAs' revocation epochs: changes whenever any revocation state changes. */
    long revocationEpochs();

    Optional<CrlState> crl(String caId);

    /** Stores a newly signed CRL if the stored number is still {@code expectedNumber}. */
    boolean publishCrl(String caId, long expectedNumber, SignedCrl crl);

    /** A CA's CRL row: its revocation epoch and the cached CRL ({@code cached} null before the first). */
    record CrlState(String caId, long revocationEpoch, long crlNumber, SignedCrl cached) {
    }

    record SignedCrl(long number, long builtEpoch, Instant thisUpdate, Instant nextUpdate, byte[] der) {
    }

    Optional<StoredResponder> ocspResponder(String caId);

    /**
     * Stores {@code responder} as the CA's OCSP responder if the current one still has
     * {@code expectedSerial} (null: if there is none yet). False when another node got there first.
     */
    boolean replaceOcspResponder(String expectedSerial, StoredResponder responder);

    record StoredResponder(String caId, String serial, String certificatePem, byte[] wrappedPrivateKey,
                           String masterKeyId, Instant notAfter, Instant createdAt) {
    }
}
