package dev.gatehouse.audit.tree;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The hash function of RFC 9162 (section 2.1.1): SHA-256, with a leaf's data prefixed by 0x00 and an
 * interior node's two children prefixed by 0x01, so that no leaf can pass for a node or the reverse.
 */
public final class MerkleHashes {

    public static final int SIZE = 32;
    private static final byte LEAF_PREFIX = 0x00;
    private static final byte NODE_PREFIX = 0x01;

    private MerkleHashes() {
    }

    public static byte[] leaf(byte[] data) {
        MessageDigest sha256 = sha256();
        sha256.update(LEAF_PREFIX);
        return sha256.digest(data);
    }

    public static byte[] node(byte[] left, byte[] right) {
        MessageDigest sha256 = sha256();
        sha256.update(NODE_PREFIX);
        sha256.update(left);
        return sha256.digest(right);
    }

    /** The root of the empty tree: the hash of nothing. */
    public static byte[] emptyRoot() {
        return sha256().digest();
    }

    /** The size of the left subtree of a tree of {@code size} leaves: the largest power of two below it. */
    static long split(long size) {
        if (size < 2) {
            throw new IllegalArgumentException("only a tree of two leaves or more has subtrees");
        }
        return Long.highestOneBit(size - 1);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides SHA-256", e);
        }
    }
}
