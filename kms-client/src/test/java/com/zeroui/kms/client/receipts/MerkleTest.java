package com.zeroui.kms.client.receipts;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The proof checks against proofs built by the RFC 9162 definitions themselves (MTH, PATH, PROOF,
 * written recursively here as the RFC states them), for every leaf and size pair up to 33 leaves.
 */
class MerkleTest {
    private static final int MAX = 33;
    private final List<byte[]> leaves = new ArrayList<>();

    MerkleTest() {
        for (int i = 0; i < MAX; i++) {
            leaves.add(("leaf " + i).getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void inclusionProofsOfEveryLeafLeadToTheRoot() {
        for (int n = 1; n <= MAX; n++) {
            byte[] root = mth(leaves.subList(0, n));
            for (int m = 0; m < n; m++) {
                List<byte[]> proof = path(m, leaves.subList(0, n));
                assertThat(Merkle.rootFromInclusion(Merkle.leafHash(leaves.get(m)), m, n, proof)).as("leaf %d of %d", m, n)
                        .isEqualTo(root);
                // another leaf with the same path does not reach the root (the size is bound by the signed head)
                byte[] other = Merkle.leafHash(leaves.get((m + 1) % MAX));
                byte[] wrong = Merkle.rootFromInclusion(other, m, n, proof);
                assertThat(wrong == null || !MessageDigest.isEqual(wrong, root)).isTrue();
            }
        }
    }

    @Test
    void consistencyProofsBetweenEverySizePairVerifyAndTamperedOnesDoNot() {
        for (int n = 1; n <= MAX; n++) {
            byte[] second = mth(leaves.subList(0, n));
            for (int m = 1; m <= n; m++) {
                byte[] first = mth(leaves.subList(0, m));
                List<byte[]> proof = m == n ? List.of() : subproof(m, leaves.subList(0, n), true);
                assertThat(Merkle.consistent(m, n, first, second, proof)).as("%d -> %d", m, n).isTrue();
                if (m < n) {
                    byte[] otherFirst = mth(leaves.subList(1, m + 1));
                    assertThat(Merkle.consistent(m, n, otherFirst, second, proof)).as("rewritten %d -> %d", m, n).isFalse();
                    if (!proof.isEmpty()) {
                        List<byte[]> tampered = new ArrayList<>(proof);
                        byte[] h = tampered.get(0).clone();
                        h[0] ^= 1;
                        tampered.set(0, h);
                        assertThat(Merkle.consistent(m, n, first, second, tampered)).isFalse();
                    }
                }
            }
        }
    }

    // --- RFC 9162 §2.1.1, §2.1.3.1, §2.1.4.1, as written there

    private static byte[] mth(List<byte[]> d) {
        if (d.isEmpty()) {
            return sha256(new byte[0]);
        }
        if (d.size() == 1) {
            return Merkle.leafHash(d.get(0));
        }
        int k = largestPowerOfTwoBelow(d.size());
        return Merkle.node(mth(d.subList(0, k)), mth(d.subList(k, d.size())));
    }

    private static List<byte[]> path(int m, List<byte[]> d) {
        List<byte[]> out = new ArrayList<>();
        if (d.size() <= 1) {
            return out;
        }
        int k = largestPowerOfTwoBelow(d.size());
        if (m < k) {
            out.addAll(path(m, d.subList(0, k)));
            out.add(mth(d.subList(k, d.size())));
        } else {
            out.addAll(path(m - k, d.subList(k, d.size())));
            out.add(mth(d.subList(0, k)));
        }
        return out;
    }

    private static List<byte[]> subproof(int m, List<byte[]> d, boolean b) {
        List<byte[]> out = new ArrayList<>();
        int n = d.size();
        if (m == n) {
            if (!b) {
                out.add(mth(d));
            }
            return out;
        }
        int k = largestPowerOfTwoBelow(n);
        if (m <= k) {
            out.addAll(subproof(m, d.subList(0, k), b));
            out.add(mth(d.subList(k, n)));
        } else {
            out.addAll(subproof(m - k, d.subList(k, n), false));
            out.add(mth(d.subList(0, k)));
        }
        return out;
    }

    /** The largest power of two smaller than n (n > 1). */
    private static int largestPowerOfTwoBelow(int n) {
        int k = 1;
        while (k << 1 < n) {
            k <<= 1;
        }
        return k;
    }

    private static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
