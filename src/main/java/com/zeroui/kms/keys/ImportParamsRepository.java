package com.zeroui.kms.keys;

import com.zeroui.kms.crypto.KeyType;
import java.time.Instant;
import java.util.Optional;

/** BYOK import parameters: one-time RSA-3072 wrapping keys, their private half wrapped by the master key. */
public interface ImportParamsRepository {
    record ImportParams(String importToken, KeyScope scope, KeyType keyType, String requestedBy, byte[] publicKeySpki,
                        byte[] wrappedPrivateKey, String masterKeyId, Instant createdAt, Instant expiresAt,
                        Instant usedAt) {
    }

    void insert(ImportParams params);

    Optional<ImportParams> find(String importToken);

    /** Marks the parameters used; false when they already were (single use, across nodes). */
    boolean spend(String importToken, Instant at);
}
