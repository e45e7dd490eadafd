package com.zeroui.kms.trust.anchors;

import java.util.function.UnaryOperator;

/**
 * Signs trust bundles with the service's own Ed25519 key (alias {@code kms-trust-bundle-signing},
 * tenant GLOBAL): {@code sign} gets the canonical JSON of a bundle and returns the raw signature.
 */
public record TrustBundleSigner(String keyId, String publicKeyPem, UnaryOperator<byte[]> sign) {
    public static final String ALGORITHM = "EdDSA";
}
