package com.zeroui.kms.audit;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** RFC 9162 §2.1.1 hashing: leaves and interior nodes are domain-separated by a prefix byte. */
public final class MerkleHash {
    public static final int SIZE = 32;

    private MerkleHash() {
    }

    /** MTH({}) = SHA-256() — the root of the empty tree. */
    public static byte[] empty() {
        return sha256().digest();
    }

    /** SHA-256(0x00 || leaf). */
    public static byte[] leaf(byte[] leaf) {
        MessageDigest sha = sha256();
        sha.update((byte) 0x00);
        return sha.digest(leaf);
    }

    /** SHA-256(0x01 || left || right). */
    public static byte[] node(byte[] left, byte[] right) {
        MessageDigest sha = sha256();
        sha.update((byte) 0x01);
        sha.update(left);
        return sha.digest(right);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
