package com.zeroui.kms.auth;

import java.util.Optional;

/**
 * Finds a key held by this KMS that may verify tokens (a trusted issuer named by key id): present
 * only while the key exists, is asymmetric, may sign, and is active or pending rotation.
 */
@FunctionalInterface
public interface IssuerKeyLookup {
    Optional<VerificationKey> find(String keyId);
}
