package dev.gatehouse.testing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/** Bytes as the network may deliver them: cut anywhere, into any number of pieces, empty ones included. */
public record ChunkedBytes(byte[] bytes, int[] cuts) {

    public static ChunkedBytes cut(byte[] bytes, Random random) {
        return new ChunkedBytes(bytes, random.ints(random.nextInt(12), 0, bytes.length + 1).sorted().toArray());
    }

    public List<byte[]> pieces() {
        List<byte[]> pieces = new ArrayList<>(cuts.length + 1);
        int from = 0;
        for (int cut : cuts) {
            pieces.add(Arrays.copyOfRange(bytes, from, cut));
            from = cut;
        }
        pieces.add(Arrays.copyOfRange(bytes, from, bytes.length));
        return pieces;
    }

    @Override
    public String toString() {
        return bytes.length + " bytes cut at " + Arrays.toString(cuts);
    }
}
