package dev.gatehouse.audit.tree;

import java.util.Arrays;
import java.util.List;

/**
 * Checks RFC 9162 proofs by retracing the tree's definition: the same recursion that built the proof
 * consumes it from its last (outermost) hash inwards, so the checker is as short as the definition.
 */
public final class ProofVerifier {

    private ProofVerifier() {
    }

    public static boolean verifyInclusion(long index, long size, byte[] leafHash, List<byte[]> path, byte[] root) {
        if (index < 0 || index >= size) {
            return false;
        }
        Cursor cursor = new Cursor(path);
        byte[] computed = rootThroughLeaf(index, 0, size, leafHash, cursor);
        return computed != null && cursor.exhausted() && Arrays.equals(computed, root);
    }

    private static byte[] rootThroughLeaf(long index, long start, long end, byte[] leafHash, Cursor proof) {
        if (end - start == 1) {
            return leafHash;
        }
        byte[] sibling = proof.nextFromEnd();
        if (sibling == null) {
            return null;
        }
        long k = MerkleHashes.split(end - start);
        if (index < start + k) {
            byte[] left = rootThroughLeaf(index, start, start + k, leafHash, proof);
            return left == null ? null : MerkleHashes.node(left, sibling);
        }
        byte[] right = rootThroughLeaf(index, start + k, end, leafHash, proof);
        return right == null ? null : MerkleHashes.node(sibling, right);
    }

    public static boolean verifyConsistency(long oldSize, long newSize, byte[] oldRoot, byte[] newRoot, List<byte[]> proof) {
        if (oldSize < 0 || oldSize > newSize) {
            return false;
        }
        if (oldSize == 0) {
            return proof.isEmpty();
        }
        if (oldSize == newSize) {
            return proof.isEmpty() && Arrays.equals(oldRoot, newRoot);
        }
        Cursor cursor = new Cursor(proof);
        byte[][] roots = bothRoots(oldSize, 0, newSize, true, oldRoot, cursor);
        return roots != null && cursor.exhausted() && Arrays.equals(roots[0], oldRoot) && Arrays.equals(roots[1], newRoot);
    }

    /** The subtree's hash in the old tree and in the new one. */
    private static byte[][] bothRoots(long oldSize, long start, long end, boolean wholeOldTree, byte[] oldRoot, Cursor proof) {
        long width = end - start;
        if (oldSize == width) {
            byte[] hash = wholeOldTree ? oldRoot : proof.nextFromEnd();
            return hash == null ? null : new byte[][] {hash, hash};
        }
        byte[] sibling = proof.nextFromEnd();
        if (sibling == null) {
            return null;
        }
        long k = MerkleHashes.split(width);
        if (oldSize <= k) {
            byte[][] left = bothRoots(oldSize, start, start + k, wholeOldTree, oldRoot, proof);
            return left == null ? null : new byte[][] {left[0], MerkleHashes.node(left[1], sibling)};
        }
        byte[][] right = bothRoots(oldSize - k, start + k, end, false, oldRoot, proof);
        return right == null ? null : new byte[][] {MerkleHashes.node(sibling, right[0]), MerkleHashes.node(sibling, right[1])};
    }

    private static final class Cursor {
        private final List<byte[]> hashes;
        private int end;

        Cursor(List<byte[]> hashes) {
            this.hashes = hashes;
            this.end = hashes.size();
        }

        byte[] nextFromEnd() {
            return end == 0 ? null : hashes.get(--end);
        }

        boolean exhausted() {
            return end == 0;
        }
    }
}
