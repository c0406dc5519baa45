package dev.gatehouse.testing;

import java.util.Random;

/**
 * Bytes a strict UTF-8 reader must refuse (an overlong NUL, a byte never used, a surrogate, a
 * truncated sequence, a code point past U+10FFFF, a UTF-16 byte-order mark) or handle with care (a
 * NUL, a UTF-8 byte-order mark), put into otherwise valid bytes.
 */
public final class InvalidUtf8 {

    private static final byte[][] SEQUENCES = {{(byte) 0xC0, (byte) 0x80}, {(byte) 0xFF}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
            {(byte) 0xE2, (byte) 0x82}, {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, {(byte) 0xFE, (byte) 0xFF}, {0},
            {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}};

    private InvalidUtf8() {
    }

    /** The bytes with one such sequence put in at {@code at}. */
    public record Inserted(byte[] bytes, int at) {
    }

    public static Inserted insertInto(byte[] valid, Random random) {
        byte[] insert = SEQUENCES[random.nextInt(SEQUENCES.length)];
        int at = random.nextInt(valid.length + 1);
        byte[] bytes = new byte[valid.length + insert.length];
        System.arraycopy(valid, 0, bytes, 0, at);
        System.arraycopy(insert, 0, bytes, at, insert.length);
        System.arraycopy(valid, at, bytes, at + insert.length, valid.length - at);
        return new Inserted(bytes, at);
    }
}
