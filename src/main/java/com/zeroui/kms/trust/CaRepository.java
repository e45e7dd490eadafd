package com.zeroui.kms.trust;

import java.time.Instant;
import java.util.Optional;

/** Storage of the internal CA (private keys only wrapped) and of every certificate it issued. */
public interface CaRepository {

    record StoredCa(String caId, String role, String certificatePem, byte[] wrappedPrivateKey, String masterKeyId,
                    Instant createdAt) {
    }

    record IssuedCertificate(String serial, String caId, String subjectUri, String profile, Instant notBefore,
                             Instant notAfter, String certificatePem) {
    }

    Optional<StoredCa> find(String caId);

    /** Inserts unless a CA with this id exists; returns false when another writer got there first. */
    boolean insertIfAbsent(StoredCa ca);

    void recordIssued(IssuedCertificate certificate);
}
