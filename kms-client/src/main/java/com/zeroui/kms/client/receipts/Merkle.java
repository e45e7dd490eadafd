package com.zeroui.kms.client.receipts;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** RFC 9162 §2.1 hashing and the checks of inclusion (§2.1.3.2) and consistency (§2.1.4.2) proofs. */
public final class Merkle {
    private Merkle() {
    }

    /** SHA-256(0x00 || leaf). */
    public static byte[] leafHash(byte[] leaf) {
        MessageDigest sha = sha256();
        sha.update((byte) 0x00);
        return sha.digest(leaf);
    }

    static byte[] node(byte[] left, byte[] right) {
        MessageDigest sha = sha256();
        sha.update((byte) 0x01);
        sha.update(left);
        return sha.digest(right);
    }

    /** The root the audit path {@code proof} leads to from leaf {@code index} of a tree of {@code size}, or null. */
    public static byte[] rootFromInclusion(byte[] leafHash, long index, long size, List<byte[]> proof) {
        if (index < 0 || index >= size) {
            return null;
        }
        long fn = index;
        long sn = size - 1;
        byte[] r = leafHash;
        for (byte[] p : proof) {
            if (sn == 0) {
                return null;
            }
            if ((fn & 1) == 1 || fn == sn) {
                r = node(p, r);
                while ((fn & 1) == 0 && fn != 0) {
                    fn >>= 1;
                    sn >>= 1;
                }
            } else {
                r = node(r, p);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 ? r : null;
    }

    /** True when {@code proof} shows that the tree of size {@code second} extends the one of size {@code first}. */
    public static boolean consistent(long first, long second, byte[] firstRoot, byte[] secondRoot, List<byte[]> proof) {
        if (first <= 0 || first > second) {
            return false;
        }
        if (first == second) {
            return proof.isEmpty() && MessageDigest.isEqual(firstRoot, secondRoot);
        }
        List<byte[]> path = new ArrayList<>(proof);
        if (Long.bitCount(first) == 1) {
            path.add(0, firstRoot);
        }
        if (path.isEmpty()) {
            return false;
        }
        long fn = first - 1;
        long sn = second - 1;
        while ((fn & 1) == 1) {
            fn >>= 1;
            sn >>= 1;
        }
        byte[] fr = path.get(0);
        byte[] sr = path.get(0);
        for (byte[] c : path.subList(1, path.size())) {
            if (sn == 0) {
                return false;
            }
            if ((fn & 1) == 1 || fn == sn) {
                fr = node(c, fr);
                sr = node(c, sr);
                while ((fn & 1) == 0 && fn != 0) {
                    fn >>= 1;
                    sn >>= 1;
                }
            } else {
                sr = node(sr, c);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 && MessageDigest.isEqual(fr, firstRoot) && MessageDigest.isEqual(sr, secondRoot);
    }

    static List<byte[]> hexList(List<String> hashes) {
        List<byte[]> out = new ArrayList<>(hashes.size());
        for (String h : hashes) {
            out.add(HexFormat.of().parseHex(h));
        }
        return out;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
