package dev.gatehouse.scanner;

import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Brings text into the plain form that rules and the classifier see: NFKC, no invisible or
 * bidirectional control characters, Latin look-alikes folded to Latin, and encoded payloads
 * (base64, base32, hex, percent-encoding, backslash-u escapes, Unicode tag characters, ROT13, leetspeak,
 * letters spelled with separators) decoded.
 * Immutable and thread-safe.
 */
public final class TextNormalizer {

    /** Decoding stops after this many nested layers (base64 of hex of ...). */
    private static final int MAX_DECODING_DEPTH = 2;
    /** Bounds the work the injection detectors do on adversarial input with thousands of candidate segments. */
    static final int MAX_DECODED_SEGMENTS = 16;

    // Runs are anchored at their first character (look-behind) so the engine does not rescan a
    // run from every position inside it.
    private static final Pattern BASE64_RUN = Pattern.compile("(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/_-]{16,}={0,2}");
    private static final Pattern HEX_RUN = Pattern.compile(
            "(?:\\\\x[0-9A-Fa-f]{2}){6,}|(?<![0-9A-Fa-fx])(?:0x)?[0-9A-Fa-f]{16,}|(?<![0-9A-Fa-f:])[0-9A-Fa-f]{2}(?:[ :][0-9A-Fa-f]{2}){7,}");
    private static final Pattern BASE32_RUN = Pattern.compile("(?<![A-Za-z0-9])[A-Z2-7]{24,}={0,6}(?![A-Za-z0-9])");
    private static final Pattern PERCENT_ESCAPE = Pattern.compile("%[0-9A-Fa-f]{2}");
    private static final Pattern UNICODE_ESCAPE_RUN = Pattern.compile("(?:\\\\u[0-9A-Fa-f]{4}){4,}");
    /** Words spelled with a separator between letters: "i.g.n.o.r.e", "i-g-n-o-r-e", "i g n o r e". */
    private static final Pattern SEPARATED_LETTERS = Pattern.compile(
            "(?<![\\p{L}\\p{N}])\\p{L}(?:([.\\-_*/ ])\\p{L}(?:\\1\\p{L}){1,})(?![\\p{L}\\p{N}])");
    private static final int MIN_PERCENT_ESCAPES = 3;
    /** The shortest runs the patterns above accept (hex: eight pairs with seven separators). */
    private static final int MIN_BASE64_RUN = 16;
    private static final int MIN_BASE32_RUN = 24;
    private static final int MIN_HEX_RUN = 16;
    private static final Pattern ROT13_MENTION = Pattern.compile("(?i)\\brot[ -]?13\\b");
    private static final int MIN_LEET_WORDS = 3;
    private static final int MAX_LEET_WORD = 24;
    private static final Set<String> COMMON_ENGLISH = Set.of(
            "the", "and", "you", "your", "all", "to", "of", "is", "me", "my", "are", "this", "with", "now", "that");

    /** Cyrillic and Greek letters that render like Latin ones. */
    private static final Map<Character, Character> HOMOGLYPHS = homoglyphTable();

    private final int maxDecodedSegments;

    /** At most {@value #MAX_DECODED_SEGMENTS} decoded payloads per text: the injection detectors' bound. */
    public TextNormalizer() {
        this(MAX_DECODED_SEGMENTS);
    }

    private TextNormalizer(int maxDecodedSegments) {
        this.maxDecodedSegments = maxDecodedSegments;
    }

    /**
     * A normaliser that decodes every encoded payload, however many: for personal data, where a
     * payload left unread is one sent unseen. Its cost still grows only with the text (each run is
     * decoded once, nested ones to the same depth), and the personal-data patterns run only around
     * digits and at signs.
     */
    public static TextNormalizer decodingEveryPayload() {
        return new TextNormalizer(Integer.MAX_VALUE);
    }

    /** Whether a text normalised by the default normaliser may hold payloads it did not decode. */
    public static boolean mayHoldUndecodedPayloads(NormalizedText normalized) {
        return normalized.decodedSegments().size() >= MAX_DECODED_SEGMENTS;
    }

    public NormalizedText normalize(String raw) {
        Set<Obfuscation> found = EnumSet.noneOf(Obfuscation.class);
        List<TracedText> decoded = new ArrayList<>();
        TracedText traced = fold(TracedText.of(raw == null ? "" : raw), found, decoded);
        String text = traced.text();
        collectEncoded(traced, 1, found, decoded);
        if (ROT13_MENTION.matcher(text).find() || readsAsEnglishInRot13(text)) {
            found.add(Obfuscation.ROT13);
            decoded.add(traced.withText(rot13(text)));
        }
        TracedText joined = joinSeparatedLetters(traced);
        if (joined != null) {
            found.add(Obfuscation.SEPARATED_LETTERS);
            decoded.add(joined);
        }
        String unleet = unleet(text);
        if (unleet != null) {
            found.add(Obfuscation.LEETSPEAK);
            decoded.add(traced.withText(unleet));
        }
        return NormalizedText.of(traced, decoded, found);
    }

    /**
     * Invisible characters go before NFKC, so that one hidden between a letter and its combining
     * mark does not keep them apart ("l\u200B\u0301" is "\u013A"); no character's NFKC form is
     * invisible. Folding a look-alike can do the same ("\u0456\u0301" in a Latin word), hence NFKC
     * again after a fold. Every step keeps each character's source in the raw input.
     */
    private TracedText fold(TracedText input, Set<Obfuscation> found, List<TracedText> decoded) {
        String raw = input.text();
        TracedText visible = hasHiddenCharacters(raw) ? TracedText.withCapacity(raw.length()) : null;
        TracedText tagged = null;
        for (int i = 0; visible != null && i < raw.length(); ) {
            int cp = raw.codePointAt(i);
            int next = i + Character.charCount(cp);
            if (cp >= 0xE0020 && cp <= 0xE007E) {
                // Unicode tag characters mirror ASCII and render invisibly: a known smuggling channel.
                tagged = tagged == null ? TracedText.withCapacity(16) : tagged;
                tagged.append((char) (cp - 0xE0000), input.rawStart(i, next), input.rawEnd(i, next));
            } else if (isInvisible(cp)) {
                found.add(Obfuscation.INVISIBLE_CHARACTERS);
            } else {
                visible.append(input, i, next);
            }
            i = next;
        }
        if (tagged != null) {
            found.add(Obfuscation.UNICODE_TAG_SMUGGLING);
            decoded.add(tagged);
        }
        TracedText nfkc = nfkc(visible == null ? input : visible);
        String nfkcText = nfkc.text();
        String folded = foldHomoglyphs(nfkcText, found);
        return folded.equals(nfkcText) ? nfkc : nfkc(nfkc.withText(folded));
    }

    /**
     * NFKC cluster by cluster (a character with the marks that follow it), so that each output
     * character keeps its source; checked against NFKC of the whole text, and where the two differ
     * (a composition across clusters that the cluster rule does not foresee) the whole output is
     * traced to the whole input: coarser, never wrong.
     */
    private static TracedText nfkc(TracedText input) {
        String text = input.text();
        if (isAscii(text)) {
            return input;
        }
        String whole = Normalizer.normalize(text, Normalizer.Form.NFKC);
        TracedText out = TracedText.withCapacity(whole.length());
        for (int i = 0; i < text.length(); ) {
            int end = clusterEnd(text, i);
            if (end == i + 1 && text.charAt(i) < 0x80) {
                out.append(input, i, end);
            } else {
                out.append(Normalizer.normalize(text.subSequence(i, end), Normalizer.Form.NFKC), input.rawStart(i, end), input.rawEnd(i, end));
            }
            i = end;
        }
        if (out.text().equals(whole)) {
            return out;
        }
        return TracedText.from(whole, input.rawStart(0, text.length()), input.rawEnd(0, text.length()));
    }

    /** End of the cluster starting at {@code from}: its first code point and every combining one after it. */
    private static int clusterEnd(String text, int from) {
        int end = from + Character.charCount(text.codePointAt(from));
        while (end < text.length()) {
            int cp = text.codePointAt(end);
            if (!combinesWithPrevious(cp)) {
                break;
            }
            end += Character.charCount(cp);
        }
        return end;
    }

    /** Marks, Hangul vowel and final jamo, and halfwidth kana voicing marks: what NFKC may compose with the character before. */
    private static boolean combinesWithPrevious(int cp) {
        int type = Character.getType(cp);
        return type == Character.NON_SPACING_MARK || type == Character.COMBINING_SPACING_MARK || type == Character.ENCLOSING_MARK
                || (cp >= 0x1160 && cp <= 0x11FF) || (cp >= 0xD7B0 && cp <= 0xD7FF) || cp == 0xFF9E || cp == 0xFF9F;
    }

    static boolean isAscii(CharSequence s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    /** Whether the text holds a tag or an invisible character: most texts hold neither and need no copy without them. */
    private static boolean hasHiddenCharacters(String text) {
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            if ((cp >= 0xE0020 && cp <= 0xE007E) || isInvisible(cp)) {
                return true;
            }
            i += Character.charCount(cp);
        }
        return false;
    }

    private static boolean isInvisible(int cp) {
        int type = Character.getType(cp);
        if (cp == '\n' || cp == '\r' || cp == '\t') {
            return false;
        }
        return type == Character.FORMAT // zero-width (U+200B..D, U+2060, U+FEFF) and bidi controls
                || type == Character.CONTROL
                || (cp >= 0xFE00 && cp <= 0xFE0F) // variation selectors
                || (cp >= 0xE0000 && cp <= 0xE007F)
                || (cp >= 0xE0100 && cp <= 0xE01EF);
    }

    /**
     * Folds look-alikes only inside words that mix them with Latin letters ("аll", "Ιgnore"): a
     * genuine Russian or Greek word is left alone even in an English document.
     */
    private static String foldHomoglyphs(String text, Set<Obfuscation> found) {
        boolean any = false;
        for (int i = 0; i < text.length() && !any; i++) {
            char c = text.charAt(i);
            any = c >= 0x0250 && HOMOGLYPHS.containsKey(c);
        }
        if (!any) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        int wordStart = 0;
        for (int i = 0; i <= text.length(); i++) {
            if (i == text.length() || !Character.isLetter(text.charAt(i))) {
                appendWord(text, wordStart, i, out, found);
                if (i < text.length()) {
                    out.append(text.charAt(i));
                }
                wordStart = i + 1;
            }
        }
        return out.toString();
    }

    private static void appendWord(String text, int from, int to, StringBuilder out, Set<Obfuscation> found) {
        boolean hasLatin = false;
        boolean hasLookalike = false;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            hasLatin |= c < 0x80;
            hasLookalike |= HOMOGLYPHS.containsKey(c);
        }
        boolean fold = hasLookalike && hasLatin;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            Character latin = fold ? HOMOGLYPHS.get(c) : null;
            out.append(latin == null ? c : latin);
        }
        if (fold) {
            found.add(Obfuscation.HOMOGLYPHS);
        }
    }

    private void collectEncoded(TracedText traced, int depth, Set<Obfuscation> found, List<TracedText> decoded) {
        if (depth > MAX_DECODING_DEPTH) {
            return;
        }
        String text = traced.text();
        EncodingSurvey survey = EncodingSurvey.of(text);
        if (survey.base64Run() >= MIN_BASE64_RUN) {
            decodeRuns(BASE64_RUN, traced, Obfuscation.BASE64, TextNormalizer::decodeBase64, depth, found, decoded);
        }
        if (survey.base32Run() >= MIN_BASE32_RUN) {
            decodeRuns(BASE32_RUN, traced, Obfuscation.BASE32, TextNormalizer::decodeBase32, depth, found, decoded);
        }
        if (survey.hexRun() >= MIN_HEX_RUN || survey.backslashes() > 0) {
            decodeRuns(HEX_RUN, traced, Obfuscation.HEX, TextNormalizer::decodeHex, depth, found, decoded);
        }
        if (survey.backslashes() > 0) {
            decodeRuns(UNICODE_ESCAPE_RUN, traced, Obfuscation.ESCAPE_SEQUENCES, TextNormalizer::decodeUnicodeEscapes, depth, found, decoded);
        }
        if (survey.percents() >= MIN_PERCENT_ESCAPES
                && PERCENT_ESCAPE.matcher(text).results().limit(MIN_PERCENT_ESCAPES).count() == MIN_PERCENT_ESCAPES
                && decoded.size() < maxDecodedSegments) {
            String plain = decodePercent(text);
            if (plain != null && !plain.equals(text)) {
                found.add(Obfuscation.URL_ENCODING);
                // the whole text is decoded at once, so every decoded character is traced to all of it
                TracedText folded = fold(TracedText.from(plain, traced.rawStart(0, text.length()), traced.rawEnd(0, text.length())), found, decoded);
                decoded.add(folded);
                collectEncoded(folded, depth + 1, found, decoded);
            }
        }
    }

    /**
     * One pass over the text that tells which encoded-run patterns could match at all: the longest
     * runs of base64, base32 and hex characters (hex with its pair separators), and the counts of
     * backslashes and percent signs. Prose has none of these runs, so its scan skips the patterns,
     * which would otherwise be tried at every position.
     */
    private record EncodingSurvey(int base64Run, int base32Run, int hexRun, int backslashes, int percents) {

        static EncodingSurvey of(String text) {
            int base64 = 0;
            int base32 = 0;
            int hex = 0;
            int longestBase64 = 0;
            int longestBase32 = 0;
            int longestHex = 0;
            int backslashes = 0;
            int percents = 0;
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                boolean alphanumeric = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
                base64 = alphanumeric || c == '+' || c == '/' || c == '_' || c == '-' ? base64 + 1 : 0;
                base32 = (c >= 'A' && c <= 'Z') || (c >= '2' && c <= '7') ? base32 + 1 : 0;
                hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ' ' || c == ':' || c == 'x'
                        ? hex + 1 : 0;
                longestBase64 = Math.max(longestBase64, base64);
                longestBase32 = Math.max(longestBase32, base32);
                longestHex = Math.max(longestHex, hex);
                if (c == '\\') {
                    backslashes++;
                } else if (c == '%') {
                    percents++;
                }
            }
            return new EncodingSurvey(longestBase64, longestBase32, longestHex, backslashes, percents);
        }
    }

    /** A decoded payload is traced to its whole encoded run: its bytes cannot be told apart in the run. */
    private void decodeRuns(Pattern run, TracedText text, Obfuscation kind, Decoder decoder, int depth,
                            Set<Obfuscation> found, List<TracedText> decoded) {
        Matcher m = run.matcher(text.text());
        while (m.find() && decoded.size() < maxDecodedSegments) {
            String plain = decoder.decode(m.group());
            if (plain != null && looksLikeText(plain)) {
                found.add(kind);
                TracedText folded = fold(TracedText.from(plain, text.rawStart(m.start(), m.end()), text.rawEnd(m.start(), m.end())),
                        found, decoded);
                decoded.add(folded);
                collectEncoded(folded, depth + 1, found, decoded);
            }
        }
    }

    private interface Decoder {
        String decode(String segment);
    }

    private static String decodeBase64(String segment) {
        String s = segment.replace('-', '+').replace('_', '/').replace("=", "");
        if (s.length() % 4 == 1) {
            return null;
        }
        try {
            return strictUtf8(Base64.getDecoder().decode(s + "==".substring(0, (4 - s.length() % 4) % 4)));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String decodeHex(String segment) {
        String digits = segment.replace("\\x", "").replace("0x", "").replace(" ", "").replace(":", "");
        if (digits.length() % 2 != 0) {
            return null;
        }
        try {
            return strictUtf8(HexFormat.of().parseHex(digits));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** RFC 4648 base32 (upper case, optional padding), or null when the bits do not form UTF-8. */
    private static String decodeBase32(String segment) {
        String digits = segment.replace("=", "");
        byte[] out = new byte[digits.length() * 5 / 8];
        long buffer = 0;
        int bits = 0;
        int n = 0;
        for (int i = 0; i < digits.length(); i++) {
            char c = digits.charAt(i);
            buffer = (buffer << 5) | (c >= 'A' ? c - 'A' : c - '2' + 26);
            bits += 5;
            if (bits >= 8) {
                bits -= 8;
                out[n++] = (byte) (buffer >> bits);
            }
        }
        return strictUtf8(java.util.Arrays.copyOf(out, n));
    }

    private static String decodeUnicodeEscapes(String segment) {
        StringBuilder out = new StringBuilder(segment.length() / 6);
        for (int i = 0; i + 6 <= segment.length(); i += 6) {
            out.append((char) Integer.parseInt(segment, i + 2, i + 6, 16));
        }
        return out.toString();
    }

    /**
     * The text with every word of at least three separated letters joined, or null when there is
     * none. Separators between such words become word breaks, so "i.g.n.o.r.e a.l.l" reads
     * "ignore all". A joined word is traced to the whole spelled-out word.
     */
    private static TracedText joinSeparatedLetters(TracedText traced) {
        String text = traced.text();
        Matcher m = SEPARATED_LETTERS.matcher(text);
        if (!m.find()) {
            return null;
        }
        TracedText out = TracedText.withCapacity(text.length());
        int last = 0;
        do {
            out.append(traced, last, m.start());
            out.append(m.group().replace(m.group(1), ""), traced.rawStart(m.start(), m.end()), traced.rawEnd(m.start(), m.end()));
            last = m.end();
        } while (m.find());
        out.append(traced, last, text.length());
        return out;
    }

    private static String decodePercent(String text) {
        try {
            return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String strictUtf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** Random identifiers and binary blobs decode to noise; only prose-like payloads are kept. */
    private static boolean looksLikeText(String s) {
        if (s.length() < 8) {
            return false;
        }
        int letters = 0;
        int spaces = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isLetter(c)) {
                letters++;
            } else if (c == ' ') {
                spaces++;
            } else if (Character.isISOControl(c) && c != '\n' && c != '\t' && c != '\r') {
                return false;
            }
        }
        return spaces >= 1 && letters * 10 >= s.length() * 6;
    }

    /** ROT13 text is announced by nothing but its decoding: far more common English words. */
    private static boolean readsAsEnglishInRot13(String text) {
        int decodedWords = commonWords(text, true);
        return decodedWords >= 3 && decodedWords > 3 * commonWords(text, false);
    }

    /** Common English words of the text, or of its ROT13 decoding, counted without decoding it. */
    private static int commonWords(String text, boolean rot13) {
        int count = 0;
        int start = -1;
        for (int i = 0; i <= text.length(); i++) {
            boolean letter = i < text.length() && Character.isLetter(text.charAt(i));
            if (letter && start < 0) {
                start = i;
            } else if (!letter && start >= 0) {
                if (i - start <= 4) {
                    String word = text.substring(start, i).toLowerCase(java.util.Locale.ROOT);
                    if (COMMON_ENGLISH.contains(rot13 ? rot13(word) : word)) {
                        count++;
                    }
                }
                start = -1;
            }
        }
        return count;
    }

    /**
     * Folds digit-for-letter substitutions ("1gn0re", "pr3v10u5") when at least
     * {@value #MIN_LEET_WORDS} words use them; hexadecimal words (hashes, UUID parts) mix digits and
     * letters without any disguise and are left alone.
     */
    private static String unleet(String text) {
        List<int[]> leetWords = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= text.length(); i++) {
            if (i < text.length() && isLeetChar(text.charAt(i))) {
                continue;
            }
            if (isLeetWord(text, start, i)) {
                leetWords.add(new int[] {start, i});
            }
            start = i + 1;
        }
        if (leetWords.size() < MIN_LEET_WORDS) {
            return null;
        }
        char[] out = text.toCharArray();
        for (int[] word : leetWords) {
            for (int k = word[0]; k < word[1]; k++) {
                out[k] = unleet(out[k]);
            }
        }
        return new String(out);
    }

    private static boolean isLeetChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }

    private static boolean isLeetWord(String text, int from, int to) {
        if (to - from < 3 || to - from > MAX_LEET_WORD) {
            return false;
        }
        boolean letter = false;
        boolean substitute = false;
        boolean nonHex = false;
        for (int i = from; i < to; i++) {
            char c = Character.toLowerCase(text.charAt(i));
            letter |= c >= 'a' && c <= 'z';
            substitute |= "013457".indexOf(c) >= 0;
            nonHex |= !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
        }
        return letter && substitute && nonHex;
    }

    private static char unleet(char c) {
        return switch (c) {
            case '0' -> 'o';
            case '1' -> 'i';
            case '3' -> 'e';
            case '4' -> 'a';
            case '5' -> 's';
            case '7' -> 't';
            default -> c;
        };
    }

    static String rot13(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 'a' && c <= 'z') {
                out.append((char) ('a' + (c - 'a' + 13) % 26));
            } else if (c >= 'A' && c <= 'Z') {
                out.append((char) ('A' + (c - 'A' + 13) % 26));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static Map<Character, Character> homoglyphTable() {
        String from = "аеорсухіјѕԁһӏԛԝԜАВЕКМНОРСТХІЈЅԌαοεικνρτυχΑΒΕΖΗΙΚΜΝΟΡΤΥΧϲɡ";
        String to = "aeopcyxijsdhlqwWABEKMHOPCTXIJSGaoeikvptuxABEZHIKMNOPTYXcg";
        Map<Character, Character> table = new java.util.HashMap<>();
        for (int i = 0; i < from.length(); i++) {
            table.put(from.charAt(i), to.charAt(i));
        }
        return Map.copyOf(table);
    }
}
