package com.zeroui.kms.trust;

import java.time.Instant;
import java.util.List;

/** Stored CRLs of external CAs, keyed by issuer and authority key. */
public interface CrlRepository {

    /** One stored CRL; {@code crlId} is derived from the issuer and its authority key identifier. */
    record StoredCrl(String crlId, String issuerDn, String crlNumber, Instant thisUpdate, Instant nextUpdate,
                     long entries, byte[] der, Instant ingestedAt, String ingestedBy) {
    }

    /** Stores the CRL unless a stored one for the same issuer key has a CRL number at least as high; true when stored. */
    boolean putIfNewer(StoredCrl crl);

    List<StoredCrl> all();
}
