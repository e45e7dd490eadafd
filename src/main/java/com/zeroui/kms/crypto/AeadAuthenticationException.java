package com.zeroui.kms.crypto;

/**
 * A ciphertext, nonce, tag or associated data that does not authenticate. Deliberately carries no
 * detail: callers must answer every such failure with one constant message.
 */
public final class AeadAuthenticationException extends Exception {
    public AeadAuthenticationException() {
        super("decryption failed", null, false, false);
    }
}
