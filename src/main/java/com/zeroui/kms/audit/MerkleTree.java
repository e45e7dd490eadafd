package com.zeroui.kms.audit;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * RFC 9162 Merkle tree algorithms over stored perfect subtrees: a tree of any size is the
 * concatenation of at most log2(n) perfect subtrees, so roots and proofs need O(log n) stored
 * hashes (O(log² n) lookups at worst), never a scan of the leaves.
 *
 * <p>A perfect subtree is addressed by (level, index): it covers leaves
 * [index·2^level, (index+1)·2^level). Level 0 holds the leaf hashes.
 */
public final class MerkleTree {

    /** Hashes of complete subtrees, as persisted by the log. */
    public interface NodeSource {
        byte[] perfect(int level, long index);
    }

    private final NodeSource nodes;

    public MerkleTree(NodeSource nodes) {
        this.nodes = nodes;
    }

    /** MTH(D[0:n]). */
    public byte[] root(long size) {
        return size == 0 ? MerkleHash.empty() : subtree(0, size);
    }

    /** MTH(D[start:end]) for a range the RFC's recursion produces (start aligned to the split). */
    byte[] subtree(long start, long end) {
        long n = end - start;
        if (Long.bitCount(n) == 1 && start % n == 0) {
            int level = Long.numberOfTrailingZeros(n);
            return nodes.perfect(level, start >> level);
        }
        long k = largestPowerOfTwoBelow(n);
        return MerkleHash.node(subtree(start, start + k), subtree(start + k, end));
    }

    /** PATH(m, D[0:n]) — RFC 9162 §2.1.3.1; 0 ≤ m < n. */
    public List<byte[]> inclusionProof(long m, long n) {
        if (m < 0 || m >= n) {
            throw new IllegalArgumentException("leaf index " + m + " is outside a tree of size " + n);
        }
        List<byte[]> proof = new ArrayList<>();
        path(m, 0, n, proof);
        return proof;
    }

    private void path(long m, long start, long end, List<byte[]> proof) {
        long n = end - start;
        if (n == 1) {
            return;
        }
        long k = largestPowerOfTwoBelow(n);
        if (m < k) {
            path(m, start, start + k, proof);
            proof.add(subtree(start + k, end));
        } else {
            path(m - k, start + k, end, proof);
            proof.add(subtree(start, start + k));
        }
    }

    /** PROOF(m, D[0:n]) — RFC 9162 §2.1.4.1; 0 < m ≤ n. */
    public List<byte[]> consistencyProof(long m, long n) {
        if (m <= 0 || m > n) {
            throw new IllegalArgumentException("consistency needs 0 < first <= second, got " + m + " and " + n);
        }
        List<byte[]> proof = new ArrayList<>();
        subproof(m, 0, n, true, proof);
        return proof;
    }

    private void subproof(long m, long start, long end, boolean startsAtRoot, List<byte[]> proof) {
        long n = end - start;
        if (m == n) {
            if (!startsAtRoot) {
                proof.add(subtree(start, end));
            }
            return;
        }
        long k = largestPowerOfTwoBelow(n);
        if (m <= k) {
            subproof(m, start, start + k, startsAtRoot, proof);
            proof.add(subtree(start + k, end));
        } else {
            subproof(m - k, start + k, end, false, proof);
            proof.add(subtree(start, start + k));
        }
    }

    static long largestPowerOfTwoBelow(long n) {
        return Long.highestOneBit(n - 1);
    }

    // ---- verification (RFC 9162 §2.1.3.2 and §2.1.4.2): what an offline verifier runs ----------

    /** True when {@code proof} proves that {@code leafHash} is leaf {@code index} of the tree with {@code root}. */
    public static boolean verifyInclusion(byte[] leafHash, long index, long size, List<byte[]> proof, byte[] root) {
        if (index < 0 || index >= size) {
            return false;
        }
        long fn = index;
        long sn = size - 1;
        byte[] r = leafHash;
        for (byte[] p : proof) {
            if (sn == 0) {
                return false;
            }
            if ((fn & 1) == 1 || fn == sn) {
                r = MerkleHash.node(p, r);
                while ((fn & 1) == 0 && fn != 0) {
                    fn >>= 1;
                    sn >>= 1;
                }
            } else {
                r = MerkleHash.node(r, p);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 && MessageDigest.isEqual(r, root);
    }

    /** True when {@code proof} proves the tree of size {@code second} extends the one of size {@code first}. */
    public static boolean verifyConsistency(long first, long second, byte[] firstRoot, byte[] secondRoot,
                                            List<byte[]> proof) {
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
                fr = MerkleHash.node(c, fr);
                sr = MerkleHash.node(c, sr);
                while ((fn & 1) == 0 && fn != 0) {
                    fn >>= 1;
                    sn >>= 1;
                }
            } else {
                sr = MerkleHash.node(sr, c);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 && MessageDigest.isEqual(fr, firstRoot) && MessageDigest.isEqual(sr, secondRoot);
    }
}
