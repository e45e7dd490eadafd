package com.zeroui.kms.keystore;

/** The master key refused an operation: wrong key, tampered blob, or the key store is unreachable. */
public class MasterKeyException extends Exception {
    public MasterKeyException(String message, Throwable cause) {
        super(message, cause);
    }
}
