package dev.gatehouse.audit.tree;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The right edge of a growing tree: for a tree of {@code size} leaves, the hashes of the perfect
 * subtrees its size's binary digits name, largest (leftmost) first. It is all an appender needs to
 * add a leaf and to compute the root, and all a verifier needs to carry while it reads records in
 * order: memory grows with the logarithm of the size, never with the number of records.
 */
public final class CompactRange {

    /** A perfect subtree completed by an append, for storage and later proofs. */
    public record CompletedNode(int level, long index, byte[] hash) {
    }

    private long size;
    private final List<byte[]> subtrees;

    private CompactRange(long size, List<byte[]> subtrees) {
        if (Long.bitCount(size) != subtrees.size()) {
            throw new IllegalArgumentException("a compact range of size " + size + " has " + Long.bitCount(size) + " hashes, not " + subtrees.size());
        }
        this.size = size;
        this.subtrees = subtrees;
    }

    public static CompactRange empty() {
        return new CompactRange(0, new ArrayList<>());
    }

    public static CompactRange of(long size, List<byte[]> subtrees) {
        return new CompactRange(size, new ArrayList<>(subtrees));
    }

    /** The compact range of the first {@code size} leaves of a stored tree. */
    public static CompactRange read(long size, SubtreeHashes stored) {
        List<byte[]> subtrees = new ArrayList<>();
        long start = 0;
        for (int level = 63; level >= 0; level--) {
            if ((size & (1L << level)) != 0) {
                subtrees.add(stored.perfectSubtree(level, start >> level));
                start += 1L << level;
            }
        }
        return new CompactRange(size, subtrees);
    }

    public static CompactRange decode(long size, byte[] concatenated) {
        if (concatenated.length % MerkleHashes.SIZE != 0) {
            throw new IllegalArgumentException("not a list of 32-byte hashes");
        }
        List<byte[]> subtrees = new ArrayList<>();
        for (int offset = 0; offset < concatenated.length; offset += MerkleHashes.SIZE) {
            subtrees.add(java.util.Arrays.copyOfRange(concatenated, offset, offset + MerkleHashes.SIZE));
        }
        return new CompactRange(size, subtrees);
    }

    public byte[] encode() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(subtrees.size() * MerkleHashes.SIZE);
        subtrees.forEach(out::writeBytes);
        return out.toByteArray();
    }

    public long size() {
        return size;
    }

    public List<byte[]> subtrees() {
        return List.copyOf(subtrees);
    }

    /**
     * Adds a leaf; returns the perfect subtrees it completed (the leaf itself at level 0 first), as a
     * binary counter carries: two subtrees of one height merge into one of the next.
     */
    public List<CompletedNode> append(byte[] leafHash) {
        List<CompletedNode> completed = new ArrayList<>();
        completed.add(new CompletedNode(0, size, leafHash));
        byte[] carry = leafHash;
        int level = 0;
        long index = size;
        while ((size & (1L << level)) != 0) {
            byte[] left = subtrees.remove(subtrees.size() - 1);
            carry = MerkleHashes.node(left, carry);
            level++;
            index >>= 1;
            completed.add(new CompletedNode(level, index, carry));
        }
        subtrees.add(carry);
        size++;
        return completed;
    }

    /** The RFC 9162 root of the tree so far: the subtrees folded from the right. */
    public byte[] root() {
        if (subtrees.isEmpty()) {
            return MerkleHashes.emptyRoot();
        }
        byte[] root = subtrees.get(subtrees.size() - 1);
        for (int i = subtrees.size() - 2; i >= 0; i--) {
            root = MerkleHashes.node(subtrees.get(i), root);
        }
        return root;
    }
}
