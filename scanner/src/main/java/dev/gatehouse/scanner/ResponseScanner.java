package dev.gatehouse.scanner;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Scans model output for leakage of the request's system prompt (shared runs of
 * {@value #SHINGLE_WORDS} consecutive words) and for personal data, both read in normalised form
 * as in prompts. Built once per request from that request's system prompt; whole responses and streams
 * are scanned by the same {@link StreamScanner}, so both reach the same verdict. Immutable and thread-safe.
 */
public final class ResponseScanner {

    static final int SHINGLE_WORDS = 5;
    /** A leak is this many shared shingles, or half of a short prompt's shingles. */
    private static final int LEAK_SHINGLES = 8;
    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]+");

    private final TextNormalizer normalizer = new TextNormalizer();
    private final Set<Long> promptShingles;
    private final int leakThreshold;
    private final ResponsePolicy policy;
    private final PersonalDataDetector personalData;

    public ResponseScanner(String systemPrompt, ResponsePolicy policy, PersonalDataDetector personalData) {
        this.promptShingles = shingles(normalizer.normalize(systemPrompt == null ? "" : systemPrompt).text());
        this.leakThreshold = Math.max(1, Math.min(LEAK_SHINGLES, (promptShingles.size() + 1) / 2));
        this.policy = policy;
        this.personalData = personalData;
    }

    public ResponseVerdict scan(String response) {
        StreamScanner stream = openStream();
        stream.accept(response);
        return stream.finish();
    }

    /** A scanner for one streamed response. */
    public StreamScanner openStream() {
        return new StreamScanner(this);
    }

    boolean isPromptShingle(long shingle) {
        return promptShingles.contains(shingle);
    }

    boolean leaks(int sharedShingles) {
        return !promptShingles.isEmpty() && sharedShingles >= leakThreshold;
    }

    ResponsePolicy policy() {
        return policy;
    }

    PersonalDataDetector personalData() {
        return personalData;
    }

    TextNormalizer normalizer() {
        return normalizer;
    }

    private static Set<Long> shingles(String text) {
        Set<Long> out = new HashSet<>();
        long[] ring = new long[SHINGLE_WORDS];
        long count = 0;
        Matcher m = words(text);
        while (m.find()) {
            ring[(int) (count % SHINGLE_WORDS)] = wordHash(m.group());
            count++;
            if (count >= SHINGLE_WORDS) {
                out.add(shingleHash(ring, count));
            }
        }
        return out;
    }

    /** Hash of the last {@value #SHINGLE_WORDS} words in a ring buffer holding {@code count} words so far. */
    static long shingleHash(long[] ring, long count) {
        long h = 1125899906842597L;
        for (long i = count - SHINGLE_WORDS; i < count; i++) {
            h = 31 * h + ring[(int) (i % SHINGLE_WORDS)];
        }
        return h;
    }

    /** Words as they stand in the text, so that match offsets are offsets of the text; compared by {@link #wordHash}. */
    static Matcher words(String text) {
        return WORD.matcher(text);
    }

    /** Words compare case-blind. */
    static long wordHash(String word) {
        return word.toLowerCase(Locale.ROOT).hashCode();
    }
}
