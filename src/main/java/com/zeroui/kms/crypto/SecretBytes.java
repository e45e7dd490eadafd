package com.zeroui.kms.crypto;

import java.security.MessageDigest;
import java.util.Arrays;

/**
 * Secret key bytes behind an explicit access call, in the manner of Tink's {@code SecretBytes}:
 * reading the bytes is a visible act ({@link #reveal()}), {@code toString} never prints them, and
 * {@link #destroy()} zeroes the copy held here.
 */
public final class SecretBytes {
    private final byte[] bytes;
    private volatile boolean destroyed;

    private SecretBytes(byte[] bytes) {
        this.bytes = bytes;
    }

    /** Takes a private copy; the caller should zero its own array afterwards. */
    public static SecretBytes copyOf(byte[] source) {
        return new SecretBytes(source.clone());
    }

    /** Returns a fresh copy of the secret. Callers must not log or persist it unwrapped. */
    public byte[] reveal() {
        if (destroyed) {
            throw new IllegalStateException("secret bytes were destroyed");
        }
        return bytes.clone();
    }

    public int length() {
        return bytes.length;
    }

    public boolean equalsConstantTime(SecretBytes other) {
        return MessageDigest.isEqual(bytes, other.bytes);
    }

    public void destroy() {
        Arrays.fill(bytes, (byte) 0);
        destroyed = true;
    }

    @Override
    public String toString() {
        return "SecretBytes[" + bytes.length + " bytes, redacted]";
    }
}
