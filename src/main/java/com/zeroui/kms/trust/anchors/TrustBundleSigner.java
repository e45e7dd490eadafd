package com.zeroui.kms.trust.anchors;

import com.zeroui.kms.crypto.Pem;
import com.zeroui.kms.keys.ServiceKeyChain;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * Signs trust bundles with the service's own Ed25519 key (alias {@code kms-trust-bundle-signing},
 * tenant GLOBAL): {@code sign} gets the canonical JSON of a bundle and returns the raw signature.
 */
public record TrustBundleSigner(String keyId, String publicKeyPem, UnaryOperator<byte[]> sign) {
    public static final String ALGORITHM = "EdDSA";

    /** The signer of the moment: the chain's current key (it rotates), with its public key for the bundle. */
    public static Supplier<TrustBundleSigner> current(ServiceKeyChain chain) {
        return () -> {
            ServiceKeyChain.Signing s = chain.signing();
            // a chain reloaded in between still lists the key that signs here (as a predecessor)
            ServiceKeyChain.Version version = chain.version(s.keyId()).orElseThrow();
            return new TrustBundleSigner(s.keyId(), Pem.publicKey(version.key().publicKeySpki()), s.sign());
        };
    }
}
