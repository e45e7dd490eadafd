package com.zeroui.kms.client.jca;

import com.zeroui.kms.client.KmsClient;

/** A key that lives in the KMS: which one, and the client (with its scope) that may use it. */
public interface KmsKeyHandle {
    KmsClient client();

    /** The key's id or {@code alias/<name>}. */
    String keyId();
}
