package dev.gatehouse.scanner;

import java.util.EnumSet;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;

/**
 * Scans a streamed response chunk by chunk in a sliding window: it keeps only the last
 * {@value #TAIL_CHARS} characters (enough for any identifier or shingle split across chunks) and
 * counters, never the whole response. A word or an identifier that touches the end of what has
 * arrived is judged once the next chunk (or {@link #finish()}) shows where it ends. Once a verdict
 * blocks, it stays blocked. One instance per stream; not thread-safe.
 */
public final class StreamScanner {

    static final int TAIL_CHARS = 256;

    private final ResponseScanner scanner;
    private final Set<Long> sharedShingles = new HashSet<>();
    private final Set<PiiType> pii = EnumSet.noneOf(PiiType.class);
    private final long[] recentWords = new long[ResponseScanner.SHINGLE_WORDS];
    private long wordsSeen;
    private String tail = "";
    /** Offset in {@link #tail} up to which words have been counted. */
    private int wordsCountedUpTo;
    private ResponseVerdict verdict = new ResponseVerdict(false, Set.of(), null);

    StreamScanner(ResponseScanner scanner) {
        this.scanner = scanner;
    }

    /** Scans the next chunk; the verdict covers everything seen so far. */
    public ResponseVerdict accept(String chunk) {
        return advance(chunk, false);
    }

    /** Judges whatever was still pending at the end of the stream. */
    public ResponseVerdict finish() {
        return advance("", true);
    }

    public ResponseVerdict verdict() {
        return verdict;
    }

    /** How many characters of the response this scanner currently holds. */
    int retainedChars() {
        return tail.length();
    }

    private ResponseVerdict advance(String chunk, boolean last) {
        if (verdict.blocks()) {
            return verdict;
        }
        String window = tail + chunk;
        NormalizedText normalized = scanner.normalizer().normalize(window);
        int counted = countWords(normalized, window.length(), last);
        collectPersonalData(normalized, window.length(), last);
        int drop = tailStart(window);
        tail = window.substring(drop);
        wordsCountedUpTo = Math.max(0, counted - drop);
        verdict = currentVerdict();
        return verdict;
    }

    /**
     * Feeds words of the normalised window whose raw characters end after the counted mark into
     * the shingle ring; returns the new mark. Read normalised, a leak spelled in fullwidth letters or
     * with invisible characters inside its words is the same words.
     */
    private int countWords(NormalizedText window, int rawLength, boolean last) {
        int mark = wordsCountedUpTo;
        Matcher m = ResponseScanner.words(window.text());
        while (m.find()) {
            int end = window.rawOffsets().end(m.start(), m.end());
            if (end <= wordsCountedUpTo) {
                continue;
            }
            if (end == rawLength && !last) {
                break; // the word may continue in the next chunk
            }
            recentWords[(int) (wordsSeen % recentWords.length)] = ResponseScanner.wordHash(m.group());
            wordsSeen++;
            if (wordsSeen >= recentWords.length) {
                long shingle = ResponseScanner.shingleHash(recentWords, wordsSeen);
                if (scanner.isPromptShingle(shingle)) {
                    sharedShingles.add(shingle);
                }
            }
            mark = end;
        }
        return mark;
    }

    /**
     * Read as the prompt scanner reads a prompt (normalised, payloads decoded), so that an answer
     * cannot show personal data in fullwidth or invisible characters unseen; a match is judged once
     * the raw characters behind it no longer touch the end of what has arrived. Types are a set, so
     * a value seen again in the retained tail changes nothing.
     */
    private void collectPersonalData(NormalizedText normalized, int rawLength, boolean last) {
        for (PiiMatch match : scanner.personalData().find(normalized.scannable())) {
            if (last || normalized.inRaw(match).end() < rawLength) {
                pii.add(match.type());
            }
        }
    }

    /** Keeps at most {@value #TAIL_CHARS} characters, cut at a blank so no value is kept half. */
    private static int tailStart(String window) {
        if (window.length() <= TAIL_CHARS) {
            return 0;
        }
        int start = window.length() - TAIL_CHARS;
        while (start < window.length() && !Character.isWhitespace(window.charAt(start))) {
            start++;
        }
        return start == window.length() ? window.length() - TAIL_CHARS : start;
    }

    private ResponseVerdict currentVerdict() {
        boolean leak = scanner.leaks(sharedShingles.size());
        ScanAction action = leak ? scanner.policy().onSystemPromptLeak() : null;
        if (!pii.isEmpty()) {
            action = stronger(action, scanner.policy().onPersonalData());
        }
        return new ResponseVerdict(leak, pii, action);
    }

    /** BLOCK over FLAG over LOG_ONLY (the enum's declaration order). */
    private static ScanAction stronger(ScanAction a, ScanAction b) {
        return a == null || b.ordinal() < a.ordinal() ? b : a;
    }
}
