package dev.gatehouse.scanner;

import java.util.Arrays;
import java.util.List;

/**
 * A batch of word-piece windows as the classifier model reads it: each window between [CLS] and
 * [SEP], padded with zeros to the longest, an attention mask over the real pieces, row-major
 * {@code rows × length}. The in-process session and a remote inference server get the same tensors,
 * so the same model gives the same logits.
 */
public record WindowTensors(long[] inputIds, long[] attentionMask, int rows, int length) {

    private static final long CLS = 101;
    private static final long SEP = 102;

    public static WindowTensors of(List<long[]> windows) {
        int rows = windows.size();
        int length = windows.stream().mapToInt(w -> w.length).max().orElse(0) + 2;
        long[] ids = new long[rows * length];
        long[] mask = new long[rows * length];
        for (int r = 0; r < rows; r++) {
            long[] window = windows.get(r);
            int row = r * length;
            ids[row] = CLS;
            System.arraycopy(window, 0, ids, row + 1, window.length);
            ids[row + window.length + 1] = SEP;
            Arrays.fill(mask, row, row + window.length + 2, 1L);
        }
        return new WindowTensors(ids, mask, rows, length);
    }

    public long[] shape() {
        return new long[] {rows, length};
    }

    /** Token types: one segment, so all zero. */
    public long[] tokenTypeIds() {
        return new long[rows * length];
    }
}
