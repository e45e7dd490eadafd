package com.zeroui.kms.audit;

/**
 * Layout of an archive's node file: every subtree hash that appending the archive's receipts
 * [first, end) completes, level by level (level 0 = the leaf hashes), 32 bytes each. At level l
 * those are the subtrees k with first < (k+1)·2^l ≤ end, i.e. k from ⌊first/2^l⌋ to ⌊end/2^l⌋−1.
 * Subtrees wholly before {@code first} are the start frontier (kept in the database). Together they
 * answer every inclusion proof into the tree of {@code end} leaves with O(log n) reads.
 */
public final class ArchiveNodes {
    private final long first;
    private final long end;
    private final long[] base;

    public ArchiveNodes(long first, long end) {
        if (first < 0 || end <= first) {
            throw new IllegalArgumentException("empty archive range " + first + ".." + end);
        }
        this.first = first;
        this.end = end;
        int levels = 64 - Long.numberOfLeadingZeros(end);
        base = new long[levels + 1];
        long offset = 0;
        for (int level = 0; level < levels; level++) {
            base[level] = offset;
            offset += count(level) * MerkleHash.SIZE;
        }
        base[levels] = offset;
    }

    /** The node file's name for an archive. */
    public static String fileFor(String archiveFile) {
        return archiveFile + ".nodes";
    }

    private long count(int level) {
        return Math.max(0, (end >> level) - (first >> level));
    }

    /** Total size of the node file in bytes. */
    public long fileSize() {
        return base[base.length - 1];
    }

    /** Whether the file holds (level, index); false for subtrees before {@code first} or beyond {@code end}. */
    public boolean holds(int level, long index) {
        return level < base.length - 1 && index >= (first >> level) && index < (end >> level);
    }

    /** Byte offset of (level, index) in the file; only for nodes it {@link #holds}. */
    public long offset(int level, long index) {
        return base[level] + (index - (first >> level)) * MerkleHash.SIZE;
    }

    /** (level, index) of a start-frontier node, as the key of a lookup. */
    static String key(int level, long index) {
        return level + ":" + index;
    }
}
