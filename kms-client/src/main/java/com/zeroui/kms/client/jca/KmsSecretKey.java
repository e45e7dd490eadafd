package com.zeroui.kms.client.jca;

import com.zeroui.kms.client.KmsClient;
import javax.crypto.SecretKey;

/** A handle on a KMS symmetric key ({@code AES} for Cipher, {@code HmacSHA256} for Mac); no material here. */
public final class KmsSecretKey extends KeyReference implements SecretKey {
    private static final long serialVersionUID = 1L;

    public KmsSecretKey(KmsClient client, String keyId, String algorithm) {
        super(client, keyId, algorithm);
    }
}
