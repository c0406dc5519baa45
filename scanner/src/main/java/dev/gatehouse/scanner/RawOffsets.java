package dev.gatehouse.scanner;

import java.util.List;

/**
 * For each character of a {@link NormalizedText#scannable()} form, the range of the raw input it
 * came from. The line breaks that join decoded payloads to the text came from nowhere and count
 * for nothing. Immutable.
 */
public final class RawOffsets {

    private final int[] starts;
    private final int[] ends;

    private RawOffsets(int[] starts, int[] ends) {
        this.starts = starts;
        this.ends = ends;
    }

    static RawOffsets joined(TracedText text, List<TracedText> decoded) {
        if (decoded.isEmpty()) {
            return new RawOffsets(text.starts(), text.ends());
        }
        TracedText scannable = TracedText.withCapacity(text.length() + decoded.stream().mapToInt(TracedText::length).sum() + decoded.size());
        scannable.append(text, 0, text.length());
        for (TracedText segment : decoded) {
            scannable.append('\n', Integer.MAX_VALUE, Integer.MIN_VALUE);
            scannable.append(segment, 0, segment.length());
        }
        return new RawOffsets(scannable.starts(), scannable.ends());
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof RawOffsets offsets && java.util.Arrays.equals(starts, offsets.starts) && java.util.Arrays.equals(ends, offsets.ends);
    }

    @Override
    public int hashCode() {
        return 31 * java.util.Arrays.hashCode(starts) + java.util.Arrays.hashCode(ends);
    }

    /** First raw index behind scannable characters {@code [from, to)}. */
    public int start(int from, int to) {
        int start = Integer.MAX_VALUE;
        for (int i = from; i < to; i++) {
            start = Math.min(start, starts[i]);
        }
        return start;
    }

    /** Raw index just past what is behind scannable characters {@code [from, to)}. */
    public int end(int from, int to) {
        int end = Integer.MIN_VALUE;
        for (int i = from; i < to; i++) {
            end = Math.max(end, ends[i]);
        }
        return end;
    }
}
