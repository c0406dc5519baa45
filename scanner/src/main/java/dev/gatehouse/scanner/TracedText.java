package dev.gatehouse.scanner;

import java.util.Arrays;

/**
 * Text under construction that remembers, for each of its characters, the range of the raw input
 * it was made from: a fullwidth letter maps to its own code point, a character NFKC composed from
 * a letter and its mark to both, every character of a decoded payload to the whole encoded run.
 * A span of the finished text therefore names exactly the raw characters that produced it.
 */
final class TracedText {

    private final StringBuilder text;
    private int[] starts;
    private int[] ends;

    private TracedText(int capacity) {
        text = new StringBuilder(capacity);
        starts = new int[Math.max(capacity, 8)];
        ends = new int[starts.length];
    }

    static TracedText withCapacity(int capacity) {
        return new TracedText(capacity);
    }

    /** The raw input itself: each character is its own source. */
    static TracedText of(String raw) {
        TracedText traced = new TracedText(raw.length());
        traced.text.append(raw);
        for (int i = 0; i < raw.length(); i++) {
            traced.starts[i] = i;
            traced.ends[i] = i + 1;
        }
        return traced;
    }

    /** Text that as a whole came from raw {@code [rawStart, rawEnd)}, as a decoded payload comes from its run. */
    static TracedText from(String text, int rawStart, int rawEnd) {
        TracedText traced = new TracedText(text.length());
        traced.append(text, rawStart, rawEnd);
        return traced;
    }

    /** The same sources with other characters in their places: for rewrites that keep the length (look-alike folding, ROT13). */
    TracedText withText(String sameLength) {
        if (sameLength.length() != length()) {
            throw new IllegalArgumentException("a rewrite that keeps the sources must keep the length");
        }
        TracedText traced = new TracedText(sameLength.length());
        traced.text.append(sameLength);
        traced.starts = Arrays.copyOf(starts, Math.max(sameLength.length(), 8));
        traced.ends = Arrays.copyOf(ends, traced.starts.length);
        return traced;
    }

    void append(char c, int rawStart, int rawEnd) {
        int at = text.length();
        if (at == starts.length) {
            starts = Arrays.copyOf(starts, at * 2);
            ends = Arrays.copyOf(ends, at * 2);
        }
        text.append(c);
        starts[at] = rawStart;
        ends[at] = rawEnd;
    }

    /** Appends characters that together came from raw {@code [rawStart, rawEnd)}. */
    void append(CharSequence chars, int rawStart, int rawEnd) {
        for (int i = 0; i < chars.length(); i++) {
            append(chars.charAt(i), rawStart, rawEnd);
        }
    }

    /** Appends characters {@code [from, to)} of another traced text with their sources. */
    void append(TracedText other, int from, int to) {
        for (int i = from; i < to; i++) {
            append(other.text.charAt(i), other.starts[i], other.ends[i]);
        }
    }

    int length() {
        return text.length();
    }

    String text() {
        return text.toString();
    }

    /** First raw index behind characters {@code [from, to)} (a non-empty range). */
    int rawStart(int from, int to) {
        int start = Integer.MAX_VALUE;
        for (int i = from; i < to; i++) {
            start = Math.min(start, starts[i]);
        }
        return start;
    }

    /** Raw index just past the characters behind {@code [from, to)} (a non-empty range). */
    int rawEnd(int from, int to) {
        int end = Integer.MIN_VALUE;
        for (int i = from; i < to; i++) {
            end = Math.max(end, ends[i]);
        }
        return end;
    }

    int[] starts() {
        return Arrays.copyOf(starts, length());
    }

    int[] ends() {
        return Arrays.copyOf(ends, length());
    }
}
