package com.zeroui.kms.client.jca;

import com.zeroui.kms.client.KmsClient;
import java.security.PrivateKey;

/**
 * A handle on a KMS signing key: it names the key (id or {@code alias/<name>}) and the client that can use
 * it; the private key itself never leaves the service. {@link #getAlgorithm()} is the JCA family
 * ({@code RSA}, {@code Ed25519}, {@code ML-DSA-65}) so that libraries that pick a signer by key family
 * (nimbus-jose-jwt's {@code RSASSASigner}) accept it; it is deliberately not an {@code RSAPrivateKey}.
 */
public final class KmsPrivateKey extends KeyReference implements PrivateKey {
    private static final long serialVersionUID = 1L;

    public KmsPrivateKey(KmsClient client, String keyId, String algorithm) {
        super(client, keyId, algorithm);
    }
}
