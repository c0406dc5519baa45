package dev.gatehouse.audit.tree;

import java.util.ArrayList;
import java.util.List;

/**
 * Inclusion and consistency proofs of RFC 9162 (sections 2.1.3.1 and 2.1.4.1), built from stored
 * perfect subtrees: any subtree the definitions need is either perfect or ends at the tree's right
 * edge, and the latter is a fold of a few perfect ones. A proof costs O(log n) lookups.
 */
public final class MerkleProofs {

    private final SubtreeHashes stored;

    public MerkleProofs(SubtreeHashes stored) {
        this.stored = stored;
    }

    /** The hash of the leaves {@code [start, end)}, where the range is one the tree's definition splits into. */
    public byte[] rangeHash(long start, long end) {
        long width = end - start;
        if (width == 0) {
            return MerkleHashes.emptyRoot();
        }
        if (Long.bitCount(width) == 1 && start % width == 0) {
            return stored.perfectSubtree(Long.numberOfTrailingZeros(width), start / width);
        }
        long k = MerkleHashes.split(width);
        return MerkleHashes.node(rangeHash(start, start + k), rangeHash(start + k, end));
    }

    /** The audit path of leaf {@code index} in the tree of {@code size} leaves, leaf's sibling first. */
    public List<byte[]> inclusion(long index, long size) {
        if (index < 0 || index >= size) {
            throw new IllegalArgumentException("leaf " + index + " is not in a tree of " + size);
        }
        List<byte[]> path = new ArrayList<>();
        path(index, 0, size, path);
        return path;
    }

    private void path(long index, long start, long end, List<byte[]> path) {
        if (end - start == 1) {
            return;
        }
        long k = MerkleHashes.split(end - start);
        if (index < start + k) {
            path(index, start, start + k, path);
            path.add(rangeHash(start + k, end));
        } else {
            path(index, start + k, end, path);
            path.add(rangeHash(start, start + k));
        }
    }

    /** The proof that the tree of {@code newSize} leaves extends the one of {@code oldSize}. */
    public List<byte[]> consistency(long oldSize, long newSize) {
        if (oldSize < 0 || oldSize > newSize) {
            throw new IllegalArgumentException("no consistency proof from " + oldSize + " to " + newSize);
        }
        List<byte[]> proof = new ArrayList<>();
        if (oldSize > 0 && oldSize < newSize) {
            subproof(oldSize, 0, newSize, true, proof);
        }
        return proof;
    }

    private void subproof(long oldSize, long start, long end, boolean wholeOldTree, List<byte[]> proof) {
        long width = end - start;
        if (oldSize == width) {
            if (!wholeOldTree) {
                proof.add(rangeHash(start, end));
            }
            return;
        }
        long k = MerkleHashes.split(width);
        if (oldSize <= k) {
            subproof(oldSize, start, start + k, wholeOldTree, proof);
            proof.add(rangeHash(start + k, end));
        } else {
            subproof(oldSize - k, start + k, end, false, proof);
            proof.add(rangeHash(start, start + k));
        }
    }
}
