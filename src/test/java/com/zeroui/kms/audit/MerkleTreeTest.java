package com.zeroui.kms.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * MerkleFrontier + MerkleTree against a naive reference written from RFC 9162 §2.1 over the
 * leaf data, and against the Certificate Transparency test vectors.
 */
class MerkleTreeTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final String SHA256_OF_EMPTY = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    // ---- empty tree --------------------------------------------------------------------------

    @Test
    void emptyTreeRootIsTheHashOfTheEmptyString() {
        MerkleTree.NodeSource noNodes = (level, index) -> {
            throw new AssertionError("the empty tree has no node (" + level + ", " + index + ")");
        };
        assertThat(hex(MerkleHash.empty())).isEqualTo(SHA256_OF_EMPTY);
        assertThat(hex(new MerkleFrontier().root())).isEqualTo(SHA256_OF_EMPTY);
        assertThat(hex(new MerkleTree(noNodes).root(0))).isEqualTo(SHA256_OF_EMPTY);
        MerkleFrontier loaded = MerkleFrontier.load(0, noNodes);
        assertThat(loaded.size()).isZero();
        assertThat(hex(loaded.root())).isEqualTo(SHA256_OF_EMPTY);
    }

    // ---- Certificate Transparency vectors ----------------------------------------------------
    // Leaves, roots and proofs as published in transparency-dev/merkle proof/verify_test.go
    // (the same vectors google/certificate-transparency used); leaf indices here are 0-based.

    private static final List<String> CT_LEAVES = List.of(
            "", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f");
    private static final List<String> CT_ROOTS = List.of(
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
            "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
            "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
            "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
            "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328");

    private record CtInclusion(int leaf, int size, List<String> proof) {
    }

    private record CtConsistency(int first, int second, List<String> proof) {
    }

    private static final List<CtInclusion> CT_INCLUSION = List.of(
            new CtInclusion(0, 1, List.of()),
            new CtInclusion(0, 8, List.of(
                    "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4")),
            new CtInclusion(5, 8, List.of(
                    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                    "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7")),
            new CtInclusion(2, 3, List.of(
                    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125")),
            new CtInclusion(1, 5, List.of(
                    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b")));

    private static final List<CtConsistency> CT_CONSISTENCY = List.of(
            new CtConsistency(1, 1, List.of()),
            new CtConsistency(1, 8, List.of(
                    "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4")),
            new CtConsistency(6, 8, List.of(
                    "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                    "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7")),
            new CtConsistency(2, 5, List.of(
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b")),
            new CtConsistency(6, 7, List.of(
                    "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                    "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
                    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7")));

    @Test
    void reproducesTheCertificateTransparencyVectors() {
        Log log = new Log();
        for (int n = 1; n <= CT_LEAVES.size(); n++) {
            log.append(HEX.parseHex(CT_LEAVES.get(n - 1)));
            String expected = CT_ROOTS.get(n - 1);
            assertThat(hex(log.frontier.root())).as("frontier root of size %d", n).isEqualTo(expected);
            assertThat(hex(log.tree.root(n))).as("tree root of size %d", n).isEqualTo(expected);
            // the reference itself must agree with the published vectors, or nothing below means much
            assertThat(hex(Rfc9162.mth(log.leaves))).as("reference MTH of size %d", n).isEqualTo(expected);
        }
        for (CtInclusion v : CT_INCLUSION) {
            List<byte[]> proof = log.tree.inclusionProof(v.leaf(), v.size());
            assertThat(hexes(proof)).as("PATH(%d, D[%d])", v.leaf(), v.size()).isEqualTo(v.proof());
            byte[] leafHash = MerkleHash.leaf(HEX.parseHex(CT_LEAVES.get(v.leaf())));
            byte[] root = HEX.parseHex(CT_ROOTS.get(v.size() - 1));
            assertThat(MerkleTree.verifyInclusion(leafHash, v.leaf(), v.size(), proof, root)).isTrue();
            // the probes the CT verifier tests insist on
            assertThat(MerkleTree.verifyInclusion(leafHash, v.leaf(), v.size() * 2L, proof, root)).isFalse();
            assertThat(MerkleTree.verifyInclusion(leafHash, v.leaf(), v.size() / 2, proof, root)).isFalse();
        }
        for (CtConsistency v : CT_CONSISTENCY) {
            List<byte[]> proof = log.tree.consistencyProof(v.first(), v.second());
            assertThat(hexes(proof)).as("PROOF(%d, D[%d])", v.first(), v.second()).isEqualTo(v.proof());
            byte[] first = HEX.parseHex(CT_ROOTS.get(v.first() - 1));
            byte[] second = HEX.parseHex(CT_ROOTS.get(v.second() - 1));
            assertThat(MerkleTree.verifyConsistency(v.first(), v.second(), first, second, proof)).isTrue();
        }
    }

    // ---- every small size, exhaustively ------------------------------------------------------

    static IntStream smallSizes() {
        return IntStream.rangeClosed(1, 70);
    }

    @ParameterizedTest(name = "size {0}")
    @MethodSource("smallSizes")
    void everyRootProofAndNodeMatchesTheRfcAtSmallSizes(int n) {
        Log log = Log.ofSize(n, new Random(n));
        checkSize(log, n, IntStream.range(0, n).boxed().toList(), IntStream.rangeClosed(1, n).boxed().toList(), n <= 8);
        checkFrontierReload(log, 5);
    }

    @Test
    void largeSizesAgreeWithTheRfcOnSampledProofs() {
        Random random = new Random(9162);
        TreeSet<Integer> sizes = new TreeSet<>(List.of(1023, 1024, 1025, 4095, 4096, 4097));
        while (sizes.size() < 9) {
            sizes.add(100 + random.nextInt(4900));
        }
        Log log = new Log();
        for (int n : sizes) {
            while (log.size() < n) {
                log.appendRandom(random);
            }
            Set<Integer> indices = new TreeSet<>(List.of(0, 1, n / 2, n - 2, n - 1));
            Set<Integer> firsts = new TreeSet<>(List.of(1, 2, n / 2, n - 1, n));
            for (int s : sizes.headSet(n)) {
                firsts.add(s); // consistency with the earlier checkpoints, as a monitor would ask
            }
            while (indices.size() < 12) {
                indices.add(random.nextInt(n));
            }
            while (firsts.size() < 12) {
                firsts.add(1 + random.nextInt(n));
            }
            checkSize(log, n, List.copyOf(indices), List.copyOf(firsts), false);
        }
        checkFrontierReload(log, 70);
    }

    private static void checkSize(Log log, int n, List<Integer> leafIndices, List<Integer> firstSizes, boolean everyBit) {
        byte[] root = Rfc9162.mth(log.leaves);
        assertThat(hex(log.frontier.root())).as("frontier root of size %d", n).isEqualTo(hex(root));
        log.store.lookups = 0;
        assertThat(hex(log.tree.root(n))).as("tree root of size %d", n).isEqualTo(hex(root));
        assertThat(log.store.lookups).as("root(%d) reads one node per perfect subtree", n).isEqualTo(Long.bitCount(n));
        checkStoredNodes(log, n);

        int maxLookups = square(64 - Long.numberOfLeadingZeros(n));
        List<byte[]> wrongRoots = wrongRoots(log, root, n, everyBit);
        for (int m : leafIndices) {
            List<byte[]> expected = Rfc9162.path(m, log.leaves);
            log.store.lookups = 0;
            List<byte[]> proof = log.tree.inclusionProof(m, n);
            assertThat(log.store.lookups).as("node reads for PATH(%d, D[%d])", m, n).isLessThanOrEqualTo(maxLookups);
            assertThat(hexes(proof)).as("PATH(%d, D[%d])", m, n).isEqualTo(hexes(expected));
            byte[] leafHash = MerkleHash.leaf(log.leaves.get(m));
            assertThat(hex(leafHash)).isEqualTo(hex(Rfc9162.mth(log.leaves.subList(m, m + 1))));
            assertThat(MerkleTree.verifyInclusion(leafHash, m, n, proof, root)).as("verify PATH(%d, D[%d])", m, n).isTrue();
            checkInclusionRejections(log, leafHash, m, n, proof, root, wrongRoots, everyBit);
            assertThat(MerkleTree.verifyInclusion(leafHash, m, n, proof, root))
                    .as("the genuine proof still verifies after the probes (no input was mutated)").isTrue();
        }
        for (int m : firstSizes) {
            List<byte[]> expected = Rfc9162.proof(m, log.leaves);
            log.store.lookups = 0;
            List<byte[]> proof = log.tree.consistencyProof(m, n);
            assertThat(log.store.lookups).as("node reads for PROOF(%d, D[%d])", m, n).isLessThanOrEqualTo(maxLookups);
            assertThat(hexes(proof)).as("PROOF(%d, D[%d])", m, n).isEqualTo(hexes(expected));
            byte[] firstRoot = Rfc9162.mth(log.leaves.subList(0, m));
            assertThat(hex(log.tree.root(m))).as("root of the older size %d", m).isEqualTo(hex(firstRoot));
            assertThat(MerkleTree.verifyConsistency(m, n, firstRoot, root, proof)).as("verify PROOF(%d, D[%d])", m, n).isTrue();
            checkConsistencyRejections(log, m, n, firstRoot, root, proof, everyBit);
            assertThat(MerkleTree.verifyConsistency(m, n, firstRoot, root, proof)).isTrue();
        }
        assertThatThrownBy(() -> log.tree.inclusionProof(n, n)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> log.tree.inclusionProof(-1, n)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> log.tree.consistencyProof(0, n)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> log.tree.consistencyProof(n + 1, n)).isInstanceOf(IllegalArgumentException.class);
    }

    /** Every perfect subtree within the current size is stored with its RFC hash, and nothing else. */
    private static void checkStoredNodes(Log log, int n) {
        Set<Address> expected = new HashSet<>();
        for (int level = 0; (1L << level) <= n; level++) {
            for (long index = 0; (index + 1) << level <= n; index++) {
                expected.add(new Address(level, index));
            }
        }
        assertThat(log.store.nodes.keySet()).as("stored nodes at size %d", n).isEqualTo(expected);
        for (Address a : expected) {
            int from = (int) (a.index() << a.level());
            byte[] reference = Rfc9162.mth(log.leaves.subList(from, from + (1 << a.level())));
            assertThat(hex(log.store.nodes.get(a))).as("hash of node %s", a).isEqualTo(hex(reference));
        }
    }

    /** A frontier rebuilt from the stored nodes continues exactly like the one that built them. */
    private static void checkFrontierReload(Log log, int moreLeaves) {
        MerkleFrontier loaded = MerkleFrontier.load(log.size(), log.store);
        assertThat(loaded.size()).isEqualTo(log.size());
        assertThat(hex(loaded.root())).isEqualTo(hex(log.frontier.root()));
        Random random = new Random(log.size());
        for (int i = 0; i < moreLeaves; i++) {
            byte[] leafHash = MerkleHash.leaf(randomLeaf(random, i));
            List<MerkleFrontier.Node> fromOriginal = log.frontier.append(leafHash);
            List<MerkleFrontier.Node> fromLoaded = loaded.append(leafHash);
            assertThat(describe(fromLoaded)).as("nodes completed by append %d after load", i).isEqualTo(describe(fromOriginal));
            assertThat(loaded.size()).isEqualTo(log.frontier.size());
            assertThat(hex(loaded.root())).isEqualTo(hex(log.frontier.root()));
        }
    }

    // ---- rejections --------------------------------------------------------------------------

    private static void checkInclusionRejections(Log log, byte[] leafHash, int m, int n, List<byte[]> proof,
                                                 byte[] root, List<byte[]> wrongRoots, boolean everyBit) {
        String at = "PATH(" + m + ", D[" + n + "])";
        if (n > 1) {
            byte[] otherLeaf = MerkleHash.leaf(log.leaves.get((m + 1) % n));
            assertThat(MerkleTree.verifyInclusion(otherLeaf, m, n, proof, root)).as("%s with another leaf", at).isFalse();
        }
        assertThat(MerkleTree.verifyInclusion(flip(leafHash, m), m, n, proof, root)).as("%s with a flipped leaf", at).isFalse();
        assertThat(MerkleTree.verifyInclusion(new byte[0], m, n, proof, root)).as("%s with an empty leaf", at).isFalse();

        for (long other : new long[] {m - 1, m + 1, m ^ 1, m ^ 2, m ^ 4, n, n + 1, -1, Long.MAX_VALUE, Long.MIN_VALUE}) {
            if (other != m) {
                assertThat(MerkleTree.verifyInclusion(leafHash, other, n, proof, root)).as("%s at index %d", at, other).isFalse();
            }
        }
        // The proof does not bind the size (the signed tree head does): a size whose path has the
        // same shape would accept it. Every size whose path has another length must not.
        for (int size : candidateSizes(n, m, 1, 2 * n + 1)) {
            if (size != n && (size <= m || Rfc9162.pathLength(m, size) != proof.size())) {
                assertThat(MerkleTree.verifyInclusion(leafHash, m, size, proof, root)).as("%s claimed for size %d", at, size).isFalse();
            }
        }
        for (long size : new long[] {0, -1, Long.MAX_VALUE, Long.MIN_VALUE}) {
            assertThat(MerkleTree.verifyInclusion(leafHash, m, size, proof, root)).as("%s claimed for size %d", at, size).isFalse();
        }

        for (List<byte[]> altered : alterations(proof, root)) {
            assertThat(MerkleTree.verifyInclusion(leafHash, m, n, altered, root)).as("%s altered to %s", at, hexes(altered)).isFalse();
        }
        for (List<byte[]> altered : flippedBits(proof, everyBit, m * 31L + n)) {
            assertThat(MerkleTree.verifyInclusion(leafHash, m, n, altered, root)).as("%s with a flipped bit", at).isFalse();
        }
        for (byte[] wrongRoot : wrongRoots) {
            assertThat(MerkleTree.verifyInclusion(leafHash, m, n, proof, wrongRoot)).as("%s against root %s", at, hex(wrongRoot)).isFalse();
        }
    }

    private static void checkConsistencyRejections(Log log, int m, int n, byte[] firstRoot, byte[] secondRoot,
                                                   List<byte[]> proof, boolean everyBit) {
        String at = "PROOF(" + m + ", D[" + n + "])";
        if (m == n) {
            assertThat(proof).isEmpty();
            assertThat(MerkleTree.verifyConsistency(m, n, firstRoot, flip(secondRoot, n), proof)).as("%s, other root", at).isFalse();
            assertThat(MerkleTree.verifyConsistency(m, n, firstRoot, secondRoot, List.of(firstRoot))).as("%s, non-empty", at).isFalse();
        } else {
            assertThat(MerkleTree.verifyConsistency(m, n, secondRoot, firstRoot, proof)).as("%s, swapped roots", at).isFalse();
            assertThat(MerkleTree.verifyConsistency(m, n, flip(firstRoot, m), secondRoot, proof)).as("%s, flipped first root", at).isFalse();
            assertThat(MerkleTree.verifyConsistency(m, n, firstRoot, flip(secondRoot, n), proof)).as("%s, flipped second root", at).isFalse();
            assertThat(MerkleTree.verifyConsistency(m, n, firstRoot, secondRoot, List.of())).as("%s, empty", at).isFalse();
            if (m > 1) {
                byte[] olderRoot = Rfc9162.mth(log.leaves.subList(0, m - 1));
                assertThat(MerkleTree.verifyConsistency(m, n, olderRoot, secondRoot, proof)).as("%s, root of %d", at, m - 1).isFalse();
            }
            byte[] newerRoot = Rfc9162.mth(log.leaves.subList(0, m + 1));
            assertThat(MerkleTree.verifyConsistency(m, n, newerRoot, secondRoot, proof)).as("%s, root of %d", at, m + 1).isFalse();
            for (List<byte[]> altered : alterations(proof, firstRoot, secondRoot)) {
                assertThat(MerkleTree.verifyConsistency(m, n, firstRoot, secondRoot, altered)).as("%s altered to %s", at, hexes(altered)).isFalse();
            }
            for (List<byte[]> altered : flippedBits(proof, everyBit, m * 37L + n)) {
                assertThat(MerkleTree.verifyConsistency(m, n, firstRoot, secondRoot, altered)).as("%s with a flipped bit", at).isFalse();
            }
        }
        // As for inclusion: sizes whose proof has another length must be refused.
        for (int first : candidateSizes(n, m, 1, n)) {
            if (first != m && Rfc9162.proofLength(first, n) != proof.size()) {
                assertThat(MerkleTree.verifyConsistency(first, n, firstRoot, secondRoot, proof)).as("%s claimed from %d", at, first).isFalse();
            }
        }
        for (int second : candidateSizes(n, m, m, 2 * n + 1)) {
            if (second != n && Rfc9162.proofLength(m, second) != proof.size()) {
                assertThat(MerkleTree.verifyConsistency(m, second, firstRoot, secondRoot, proof)).as("%s claimed to %d", at, second).isFalse();
            }
        }
        for (long[] sizes : new long[][] {{0, n}, {-1, n}, {n + 1, n}, {m, m - 1}, {Long.MIN_VALUE, n}, {m, Long.MIN_VALUE}}) {
            assertThat(MerkleTree.verifyConsistency(sizes[0], sizes[1], firstRoot, secondRoot, proof))
                    .as("%s claimed for sizes %d..%d", at, sizes[0], sizes[1]).isFalse();
        }
    }

    /**
     * Sizes in [from, to] to claim instead of the real ones: all of them for small trees; for large
     * ones those near n, near m, near the halves and doubles, and around the powers of two in between.
     */
    private static Set<Integer> candidateSizes(int n, int m, int from, int to) {
        Set<Integer> sizes = new TreeSet<>();
        if (n <= 70) {
            for (int s = from; s <= to; s++) {
                sizes.add(s);
            }
            return sizes;
        }
        for (int centre : new int[] {n, m, n / 2, 2 * n, Integer.highestOneBit(n), 2 * Integer.highestOneBit(n), from}) {
            for (int s = centre - 8; s <= centre + 8; s++) {
                if (s >= from && s <= to) {
                    sizes.add(s);
                }
            }
        }
        return sizes;
    }

    /** Truncations, extensions and element substitutions of a proof (excluding the proof itself). */
    private static List<List<byte[]>> alterations(List<byte[]> proof, byte[]... roots) {
        List<List<byte[]>> out = new ArrayList<>();
        if (!proof.isEmpty()) {
            out.add(proof.subList(0, proof.size() - 1));
            out.add(proof.subList(1, proof.size()));
            out.add(with(proof, proof.size(), proof.get(0)));
            out.add(with(proof, 0, proof.get(0)));
            for (int i = 0; i < proof.size(); i++) {
                List<byte[]> shortened = new ArrayList<>(proof);
                shortened.set(i, Arrays.copyOf(proof.get(i), MerkleHash.SIZE - 1));
                out.add(shortened);
                List<byte[]> lengthened = new ArrayList<>(proof);
                lengthened.set(i, Arrays.copyOf(proof.get(i), MerkleHash.SIZE + 1));
                out.add(lengthened);
                List<byte[]> emptied = new ArrayList<>(proof);
                emptied.set(i, new byte[0]);
                out.add(emptied);
            }
            if (proof.size() > 1) {
                List<byte[]> swapped = new ArrayList<>(proof);
                swapped.set(0, proof.get(1));
                swapped.set(1, proof.get(0));
                if (!hexes(swapped).equals(hexes(proof))) {
                    out.add(swapped);
                }
            }
        }
        out.add(with(proof, proof.size(), new byte[0]));
        out.add(with(proof, 0, new byte[0]));
        out.add(with(proof, proof.size(), MerkleHash.empty()));
        for (byte[] root : roots) {
            out.add(with(proof, proof.size(), root));
            out.add(with(proof, 0, root));
        }
        return out;
    }

    /** The proof with one bit flipped: every bit of every element, or one bit per element. */
    private static List<List<byte[]>> flippedBits(List<byte[]> proof, boolean everyBit, long seed) {
        Random random = new Random(seed);
        List<List<byte[]>> out = new ArrayList<>();
        for (int i = 0; i < proof.size(); i++) {
            int bits = proof.get(i).length * 8;
            for (int bit = 0; bit < bits; bit++) {
                int b = everyBit ? bit : random.nextInt(bits);
                List<byte[]> altered = new ArrayList<>(proof);
                byte[] element = proof.get(i).clone();
                element[b / 8] ^= (byte) (1 << (b % 8));
                altered.set(i, element);
                out.add(altered);
                if (!everyBit) {
                    break;
                }
            }
        }
        return out;
    }

    private static List<byte[]> wrongRoots(Log log, byte[] root, int n, boolean everyBit) {
        List<byte[]> out = new ArrayList<>();
        out.add(new byte[0]);
        out.add(MerkleHash.empty());
        out.add(Arrays.copyOf(root, MerkleHash.SIZE - 1));
        if (n > 1) {
            out.add(Rfc9162.mth(log.leaves.subList(0, n - 1)));
        }
        for (List<byte[]> flipped : flippedBits(List.of(root), everyBit, n)) {
            out.add(flipped.get(0));
        }
        return out;
    }

    // ---- the log under test: frontier appends, completed nodes persisted in a map -------------

    private record Address(int level, long index) {
    }

    /** The node table of the audit log, in memory. */
    private static final class NodeStore implements MerkleTree.NodeSource {
        final Map<Address, byte[]> nodes = new HashMap<>();
        int lookups;

        void persist(List<MerkleFrontier.Node> completed) {
            for (MerkleFrontier.Node node : completed) {
                byte[] previous = nodes.putIfAbsent(new Address(node.level(), node.index()), node.hash().clone());
                assertThat(previous).as("node (%d, %d) completed twice", node.level(), node.index()).isNull();
            }
        }

        @Override
        public byte[] perfect(int level, long index) {
            lookups++;
            byte[] hash = nodes.get(new Address(level, index));
            if (hash == null) {
                throw new AssertionError("read of node (" + level + ", " + index + ") that is not stored");
            }
            return hash.clone();
        }
    }

    private static final class Log {
        final List<byte[]> leaves = new ArrayList<>();
        final MerkleFrontier frontier = new MerkleFrontier();
        final NodeStore store = new NodeStore();
        final MerkleTree tree = new MerkleTree(store);

        static Log ofSize(int n, Random random) {
            Log log = new Log();
            while (log.size() < n) {
                log.appendRandom(random);
            }
            return log;
        }

        int size() {
            return leaves.size();
        }

        void appendRandom(Random random) {
            append(randomLeaf(random, leaves.size()));
        }

        void append(byte[] leaf) {
            long index = leaves.size();
            leaves.add(leaf);
            byte[] leafHash = MerkleHash.leaf(leaf);
            List<MerkleFrontier.Node> completed = frontier.append(leafHash);
            // leaf first, then one node per level it completes: as many as the new size has trailing zeros
            assertThat(completed).hasSize(Long.numberOfTrailingZeros(index + 1) + 1);
            for (int level = 0; level < completed.size(); level++) {
                MerkleFrontier.Node node = completed.get(level);
                assertThat(node.level()).isEqualTo(level);
                assertThat(node.index()).isEqualTo(index >> level);
            }
            assertThat(hex(completed.get(0).hash())).isEqualTo(hex(leafHash));
            assertThat(frontier.size()).isEqualTo(index + 1);
            store.persist(completed);
        }
    }

    /** Distinct leaves of varied lengths, the empty leaf first. */
    private static byte[] randomLeaf(Random random, int i) {
        byte[] leaf = new byte[i == 0 ? 0 : 4 + i % 37];
        random.nextBytes(leaf);
        return leaf;
    }

    // ---- RFC 9162 §2.1, transcribed: recursion over the list of leaves, hashing with SHA-256 ---

    static final class Rfc9162 {
        /** §2.1.1: MTH({}) = HASH(); MTH({d0}) = HASH(0x00 || d0); else HASH(0x01 || MTH(D[0:k]) || MTH(D[k:n])). */
        static byte[] mth(List<byte[]> d) {
            int n = d.size();
            if (n == 0) {
                return sha256();
            }
            if (n == 1) {
                return sha256(new byte[] {0x00}, d.get(0));
            }
            int k = largestPowerOfTwoSmallerThan(n);
            return sha256(new byte[] {0x01}, mth(d.subList(0, k)), mth(d.subList(k, n)));
        }

        /** §2.1.3.1: PATH(m, D_n). */
        static List<byte[]> path(int m, List<byte[]> d) {
            int n = d.size();
            if (n == 1) {
                return new ArrayList<>();
            }
            int k = largestPowerOfTwoSmallerThan(n);
            List<byte[]> p;
            if (m < k) {
                p = path(m, d.subList(0, k));
                p.add(mth(d.subList(k, n)));
            } else {
                p = path(m - k, d.subList(k, n));
                p.add(mth(d.subList(0, k)));
            }
            return p;
        }

        /** §2.1.4.1: PROOF(m, D_n) = SUBPROOF(m, D_n, true). */
        static List<byte[]> proof(int m, List<byte[]> d) {
            return subproof(m, d, true);
        }

        private static List<byte[]> subproof(int m, List<byte[]> d, boolean b) {
            int n = d.size();
            if (m == n) {
                List<byte[]> p = new ArrayList<>();
                if (!b) {
                    p.add(mth(d));
                }
                return p;
            }
            int k = largestPowerOfTwoSmallerThan(n);
            List<byte[]> p;
            if (m <= k) {
                p = subproof(m, d.subList(0, k), b);
                p.add(mth(d.subList(k, n)));
            } else {
                p = subproof(m - k, d.subList(k, n), false);
                p.add(mth(d.subList(0, k)));
            }
            return p;
        }

        /** Length of PATH(m, D_n), by the same recursion without hashing. */
        static int pathLength(int m, int n) {
            if (n == 1) {
                return 0;
            }
            int k = largestPowerOfTwoSmallerThan(n);
            return 1 + (m < k ? pathLength(m, k) : pathLength(m - k, n - k));
        }

        /** Length of PROOF(m, D_n), by the same recursion without hashing. */
        static int proofLength(int m, int n) {
            return subproofLength(m, n, true);
        }

        private static int subproofLength(int m, int n, boolean b) {
            if (m == n) {
                return b ? 0 : 1;
            }
            int k = largestPowerOfTwoSmallerThan(n);
            return 1 + (m <= k ? subproofLength(m, k, b) : subproofLength(m - k, n - k, false));
        }

        /** k < n <= 2k. */
        private static int largestPowerOfTwoSmallerThan(int n) {
            int k = 1;
            while (2 * k < n) {
                k *= 2;
            }
            return k;
        }

        private static byte[] sha256(byte[]... parts) {
            try {
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                for (byte[] part : parts) {
                    sha.update(part);
                }
                return sha.digest();
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    // ---- helpers -----------------------------------------------------------------------------

    private static List<byte[]> with(List<byte[]> proof, int position, byte[] element) {
        List<byte[]> out = new ArrayList<>(proof);
        out.add(position, element);
        return out;
    }

    private static byte[] flip(byte[] hash, long seed) {
        byte[] out = hash.clone();
        int bit = new Random(seed).nextInt(out.length * 8);
        out[bit / 8] ^= (byte) (1 << (bit % 8));
        return out;
    }

    private static List<String> describe(List<MerkleFrontier.Node> nodes) {
        return nodes.stream().map(node -> node.level() + "/" + node.index() + "/" + hex(node.hash())).toList();
    }

    private static int square(int x) {
        return x * x;
    }

    private static String hex(byte[] bytes) {
        return HEX.formatHex(bytes);
    }

    private static List<String> hexes(List<byte[]> hashes) {
        return hashes.stream().map(MerkleTreeTest::hex).toList();
    }
}
