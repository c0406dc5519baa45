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
        int counted = countWords(window, last);
        collectPersonalData(window, last);
        int drop = tailStart(window);
        tail = window.substring(drop);
        wordsCountedUpTo = Math.max(0, counted - drop);
        verdict = currentVerdict();
        return verdict;
    }

    /** Feeds words that end after the counted mark into the shingle ring; returns the new mark. */
    private int countWords(String window, boolean last) {
        int mark = wordsCountedUpTo;
        Matcher m = ResponseScanner.words(window);
        while (m.find()) {
            if (m.end() <= wordsCountedUpTo) {
                continue;
            }
            if (m.end() == window.length() && !last) {
                break; // the word may continue in the next chunk
            }
            recentWords[(int) (wordsSeen % recentWords.length)] = m.group().hashCode();
            wordsSeen++;
            if (wordsSeen >= recentWords.length) {
                long shingle = ResponseScanner.shingleHash(recentWords, wordsSeen);
                if (scanner.isPromptShingle(shingle)) {
                    sharedShingles.add(shingle);
                }
            }
            mark = m.end();
        }
        return mark;
    }

    /**
     * Read as the prompt scanner reads a prompt (normalised, payloads decoded), so that an answer
     * cannot show personal data in fullwidth or invisible characters unseen; a match is judged once
     * the raw characters behind it no longer touch the end of what has arrived. Types are a set, so
     * a value seen again in the retained tail changes nothing.
     */
    private void collectPersonalData(String window, boolean last) {
        NormalizedText normalized = scanner.normalizer().normalize(window);
        for (PiiMatch match : scanner.personalData().find(normalized.scannable())) {
            if (last || normalized.inRaw(match).end() < window.length()) {
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
