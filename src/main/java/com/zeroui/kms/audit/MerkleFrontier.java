package com.zeroui.kms.audit;

import java.util.ArrayList;
import java.util.List;

/**
 * The right edge of an append-only tree: appending leaf i completes the perfect subtrees that end
 * at i, at most log2(n)+1 of them, which the log persists. Rebuilt from stored nodes after a restart
 * or when another node has appended.
 */
public final class MerkleFrontier {

    /** A completed perfect subtree to persist. */
    public record Node(int level, long index, byte[] hash) {
    }

    private long size;
    /** hashes of the perfect subtrees of the current size's binary decomposition, highest level first. */
    private final List<Node> edge = new ArrayList<>();

    public MerkleFrontier() {
    }

    /** The frontier of a stored tree of {@code size} leaves. */
    public static MerkleFrontier load(long size, MerkleTree.NodeSource nodes) {
        MerkleFrontier f = new MerkleFrontier();
        for (Node at : decomposition(size)) {
            f.edge.add(new Node(at.level(), at.index(), nodes.perfect(at.level(), at.index())));
        }
        f.size = size;
        return f;
    }

    /**
     * The frontier of a tree of {@code size} leaves from its edge as an archive carries it; throws
     * IllegalArgumentException unless {@code edge} is exactly the perfect subtrees of the binary
     * decomposition of {@code size}, highest level first, with 32-byte hashes.
     */
    public static MerkleFrontier fromEdge(long size, List<Node> edge) {
        if (size < 0) {
            throw new IllegalArgumentException("tree size " + size + " is negative");
        }
        List<Node> expected = decomposition(size);
        if (edge.size() != expected.size()) {
            throw new IllegalArgumentException("a tree of size " + size + " has " + expected.size()
                    + " subtrees on its frontier, found " + edge.size());
        }
        MerkleFrontier f = new MerkleFrontier();
        for (int i = 0; i < edge.size(); i++) {
            Node node = edge.get(i);
            Node want = expected.get(i);
            if (node.level() != want.level() || node.index() != want.index()) {
                throw new IllegalArgumentException("frontier subtree " + i + " of a tree of size " + size + " must be (level "
                        + want.level() + ", index " + want.index() + "), found (" + node.level() + ", " + node.index() + ")");
            }
            if (node.hash() == null || node.hash().length != MerkleHash.SIZE) {
                throw new IllegalArgumentException("frontier subtree " + i + " needs a " + MerkleHash.SIZE + "-byte hash");
            }
            f.edge.add(new Node(node.level(), node.index(), node.hash().clone()));
        }
        f.size = size;
        return f;
    }

    /**
     * Where the frontier of a tree of {@code size} leaves sits: for each set bit of {@code size},
     * highest first, the perfect subtree (hash left empty) covering the next leaves from the left.
     * Those are the only stored subtrees that lie wholly before leaf {@code size} and that roots,
     * inclusion proofs and consistency proofs for trees and leaves from {@code size} on ever read.
     */
    public static List<Node> decomposition(long size) {
        List<Node> nodes = new ArrayList<>();
        long start = 0;
        for (int level = 62; level >= 0; level--) {
            if ((size & (1L << level)) != 0) {
                nodes.add(new Node(level, start >> level, null));
                start += 1L << level;
            }
        }
        return nodes;
    }

    public long size() {
        return size;
    }

    /** The perfect subtrees of the current size's decomposition, highest level first. */
    public List<Node> edge() {
        return List.copyOf(edge);
    }

    /** Appends a leaf hash; returns every perfect subtree it completes (the leaf itself first). */
    public List<Node> append(byte[] leafHash) {
        List<Node> completed = new ArrayList<>();
        Node node = new Node(0, size, leafHash);
        completed.add(node);
        while (!edge.isEmpty() && edge.get(edge.size() - 1).level() == node.level()) {
            Node left = edge.remove(edge.size() - 1);
            node = new Node(node.level() + 1, left.index() / 2, MerkleHash.node(left.hash(), node.hash()));
            completed.add(node);
        }
        edge.add(node);
        size++;
        return completed;
    }

    /** MTH of the whole current tree, from the edge alone. */
    public byte[] root() {
        if (edge.isEmpty()) {
            return MerkleHash.empty();
        }
        byte[] r = edge.get(edge.size() - 1).hash();
        for (int i = edge.size() - 2; i >= 0; i--) {
            r = MerkleHash.node(edge.get(i).hash(), r);
        }
        return r;
    }
}
