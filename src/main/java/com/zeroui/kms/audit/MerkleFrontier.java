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
        long start = 0;
        for (int level = 63; level >= 0; level--) {
            if ((size & (1L << level)) != 0) {
                long index = start >> level;
                f.edge.add(new Node(level, index, nodes.perfect(level, index)));
                start += 1L << level;
            }
        }
        f.size = size;
        return f;
    }

    public long size() {
        return size;
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
