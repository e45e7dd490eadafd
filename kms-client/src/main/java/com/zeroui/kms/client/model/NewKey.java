package com.zeroui.kms.client.model;

import java.util.List;

/**
 * What to generate: a key type ({@code Ed25519}, {@code RSA-2048}, {@code AES-256}, and whatever else the
 * service lists in {@code GET /config}'s {@code allowed_algorithms}) and its usages; the rest is optional.
 */
public record NewKey(String keyType, List<String> keyUsage, String keyAlias, AccessPolicy accessPolicy,
                     String rotationPeriod, String protectionLevel, String approvalToken) {
    public NewKey {
        keyUsage = List.copyOf(keyUsage);
    }

    public static NewKey of(String keyType, String... usage) {
        return new NewKey(keyType, List.of(usage), null, null, null, null, null);
    }

    public NewKey alias(String alias) {
        return new NewKey(keyType, keyUsage, alias, accessPolicy, rotationPeriod, protectionLevel, approvalToken);
    }

    public NewKey policy(AccessPolicy policy) {
        return new NewKey(keyType, keyUsage, keyAlias, policy, rotationPeriod, protectionLevel, approvalToken);
    }

    public NewKey rotationPeriod(String isoDuration) {
        return new NewKey(keyType, keyUsage, keyAlias, accessPolicy, isoDuration, protectionLevel, approvalToken);
    }

    /** {@code software} or {@code hsm} (a PKCS#11 token, when the service has one). */
    public NewKey protectionLevel(String level) {
        return new NewKey(keyType, keyUsage, keyAlias, accessPolicy, rotationPeriod, level, approvalToken);
    }

    public NewKey approvalToken(String token) {
        return new NewKey(keyType, keyUsage, keyAlias, accessPolicy, rotationPeriod, protectionLevel, token);
    }
}
