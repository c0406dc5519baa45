package dev.gatehouse.audit.tree;

/**
 * Where stored hashes of perfect subtrees are read from: the subtree at {@code level} and {@code index}
 * covers the leaves {@code [index * 2^level, (index + 1) * 2^level)}. Level 0 is the leaf hashes.
 */
@FunctionalInterface
public interface SubtreeHashes {

    byte[] perfectSubtree(int level, long index);
}
