package com.zeroui.kms.trust.validation;

import com.zeroui.kms.crypto.Digests;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.nio.ByteBuffer;
import java.security.cert.CRLException;
import java.security.cert.X509CRL;
import org.bouncycastle.asn1.x500.X500Name;

/**
 * Parsed CRLs, so that a CRL of 10,000 entries is decoded and indexed once, not per validation.
 * Looked up first by the X509CRL object itself (weakly held: no hashing when the caller reuses its
 * objects), then by the SHA-256 of the encoding (the same CRL arriving as new bytes). Bounded by the
 * total number of CRL entries held.
 */
public final class CrlCache {
    /** Default bound: about 2 million revoked serials, a few hundred MB at most. */
    public static final long DEFAULT_MAX_ENTRIES = 2_000_000;

    private final Cache<X509CRL, ParsedCrl> byInstance;
    private final Cache<ByteBuffer, ParsedCrl> byDigest;

    public CrlCache() {
        this(DEFAULT_MAX_ENTRIES);
    }

    public CrlCache(long maxEntries) {
        this.byInstance = Caffeine.newBuilder().weakKeys().maximumSize(1024).build();
        this.byDigest = Caffeine.newBuilder().maximumWeight(maxEntries)
                .weigher((ByteBuffer k, ParsedCrl v) -> v.size() + 1).build();
    }

    ParsedCrl get(X509CRL crl) {
        return byInstance.get(crl, this::byContent);
    }

    private ParsedCrl byContent(X509CRL crl) {
        byte[] der;
        try {
            der = crl.getEncoded();
        } catch (CRLException e) {
            return ParsedCrl.parse(new byte[0], X500Name.getInstance(crl.getIssuerX500Principal().getEncoded()));
        }
        X500Name issuer = X500Name.getInstance(crl.getIssuerX500Principal().getEncoded());
        return byDigest.get(ByteBuffer.wrap(Digests.sha256(der)), k -> ParsedCrl.parse(der, issuer));
    }

    /** Number of distinct CRLs held (for tests and metrics). */
    public long size() {
        byDigest.cleanUp();
        return byDigest.estimatedSize();
    }

}
