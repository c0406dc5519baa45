package dev.gatehouse.scanner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The BERT uncased tokenizer of all-MiniLM-L6-v2 in plain Java, read from the model's
 * {@code tokenizer.json}: special tokens, then BertNormalizer (clean text, spaces around CJK
 * ideographs, accents stripped, lower case), BertPreTokenizer (split at white space, punctuation
 * alone) and greedy longest-match WordPiece, at a fifth of the cost of Hugging Face's native
 * tokenizer. Character classes come from the JDK's Unicode tables, which are newer than the
 * reference's: in a few scripts (Indic extensions, Mongolian, historic scripts) characters
 * assigned since are classed differently. {@link #tokenizesLikeTheReference} tells whether every
 * character of a text lies in the blocks where the ids are verified equal (tests compare every
 * code point of them, and every training and development text); other text goes to the native
 * tokenizer. Immutable and thread-safe.
 */
public final class WordPieceTokenizer {

    private static final String CONTINUATION = "##";

    private final Map<String, Integer> vocabulary;
    private final Map<String, Integer> specialTokens;
    private final int unknownId;
    private final int maxCharsPerWord;

    private WordPieceTokenizer(Map<String, Integer> vocabulary, Map<String, Integer> specialTokens, int unknownId, int maxCharsPerWord) {
        this.vocabulary = vocabulary;
        this.specialTokens = specialTokens;
        this.unknownId = unknownId;
        this.maxCharsPerWord = maxCharsPerWord;
    }

    /** Reads a Hugging Face {@code tokenizer.json} whose model is WordPiece with a BertNormalizer. */
    public static WordPieceTokenizer read(InputStream tokenizerJson) throws IOException {
        JsonNode root = new ObjectMapper().readTree(tokenizerJson);
        JsonNode model = root.path("model");
        JsonNode normalizer = root.path("normalizer");
        if (!"WordPiece".equals(model.path("type").asText()) || !"BertNormalizer".equals(normalizer.path("type").asText())
                || !normalizer.path("lowercase").asBoolean() || !"BertPreTokenizer".equals(root.path("pre_tokenizer").path("type").asText())) {
            throw new IOException("not an uncased BERT WordPiece tokenizer");
        }
        Map<String, Integer> vocabulary = new HashMap<>();
        model.path("vocab").fields().forEachRemaining(entry -> vocabulary.put(entry.getKey(), entry.getValue().asInt()));
        Map<String, Integer> specialTokens = new HashMap<>();
        root.path("added_tokens").forEach(token -> specialTokens.put(token.path("content").asText(), token.path("id").asInt()));
        Integer unknownId = vocabulary.get(model.path("unk_token").asText());
        if (unknownId == null) {
            throw new IOException("the unknown token is not in the vocabulary");
        }
        return new WordPieceTokenizer(Map.copyOf(vocabulary), Map.copyOf(specialTokens), unknownId,
                model.path("max_input_chars_per_word").asInt(100));
    }

    /** Code point blocks in which this tokenizer and the reference agree on every character. */
    static final int[][] VERIFIED_BLOCKS = {
            {0x0000, 0x06FF}, {0x0F00, 0x15FF}, {0x1E00, 0x2DFF}, {0x2F00, 0xA7FF}, {0xAC00, 0xD7FF},
            {0xE000, 0xFFFF}, {0x1F000, 0x1FAFF}, {0x20000, 0x2FFFF},
    };

    /** Whether every character of the text lies in {@link #VERIFIED_BLOCKS}. */
    public static boolean tokenizesLikeTheReference(String text) {
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (cp >= 0x0700 && !inVerifiedBlock(cp)) {
                return false;
            }
        }
        return true;
    }

    private static boolean inVerifiedBlock(int cp) {
        for (int[] block : VERIFIED_BLOCKS) {
            if (cp >= block[0] && cp <= block[1]) {
                return true;
            }
        }
        return false;
    }

    /** Word-piece ids of the text, without [CLS]/[SEP] markers. */
    public long[] tokenIds(String text) {
        List<Integer> ids = new ArrayList<>();
        int segmentStart = 0;
        int i = 0;
        while (i < text.length()) {
            String special = text.charAt(i) == '[' ? specialTokenAt(text, i) : null;
            if (special == null) {
                i++;
                continue;
            }
            encodeSegment(text.substring(segmentStart, i), ids);
            ids.add(specialTokens.get(special));
            i += special.length();
            segmentStart = i;
        }
        encodeSegment(text.substring(segmentStart), ids);
        return ids.stream().mapToLong(Integer::longValue).toArray();
    }

    private String specialTokenAt(String text, int index) {
        for (String token : specialTokens.keySet()) {
            if (text.startsWith(token, index)) {
                return token;
            }
        }
        return null;
    }

    private void encodeSegment(String segment, List<Integer> ids) {
        if (segment.isEmpty()) {
            return;
        }
        String normalized = normalize(segment);
        StringBuilder word = new StringBuilder();
        for (int i = 0; i < normalized.length(); ) {
            int cp = normalized.codePointAt(i);
            i += Character.charCount(cp);
            if (isWhitespace(cp)) {
                flushWord(word, ids);
            } else if (isPunctuation(cp)) {
                flushWord(word, ids);
                word.appendCodePoint(cp);
                flushWord(word, ids);
            } else {
                word.appendCodePoint(cp);
            }
        }
        flushWord(word, ids);
    }

    private void flushWord(StringBuilder word, List<Integer> ids) {
        if (word.isEmpty()) {
            return;
        }
        String text = word.toString();
        word.setLength(0);
        if (text.codePointCount(0, text.length()) > maxCharsPerWord) {
            ids.add(unknownId);
            return;
        }
        List<Integer> pieces = new ArrayList<>();
        int start = 0;
        while (start < text.length()) {
            Integer piece = null;
            int end = text.length();
            while (end > start) {
                String candidate = start == 0 ? text.substring(0, end) : CONTINUATION + text.substring(start, end);
                piece = vocabulary.get(candidate);
                if (piece != null) {
                    break;
                }
                end -= Character.isLowSurrogate(text.charAt(end - 1)) && end - 2 >= start ? 2 : 1;
            }
            if (piece == null) {
                ids.add(unknownId);
                return;
            }
            pieces.add(piece);
            start = end;
        }
        ids.addAll(pieces);
    }

    /** BertNormalizer: drop control characters, white space to a space, CJK padded, accents stripped, lower case. */
    private static String normalize(String text) {
        StringBuilder cleaned = new StringBuilder(text.length() + 8);
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (cp == 0 || cp == 0xFFFD || isControl(cp)) {
                continue;
            }
            if (isWhitespace(cp)) {
                cleaned.append(' ');
            } else if (isCjkIdeograph(cp)) {
                cleaned.append(' ').appendCodePoint(cp).append(' ');
            } else {
                cleaned.appendCodePoint(cp);
            }
        }
        String decomposed = TextNormalizer.isAscii(cleaned) ? cleaned.toString() : Normalizer.normalize(cleaned, Normalizer.Form.NFD);
        StringBuilder out = new StringBuilder(decomposed.length());
        for (int i = 0; i < decomposed.length(); ) {
            int cp = decomposed.codePointAt(i);
            i += Character.charCount(cp);
            if (Character.getType(cp) == Character.NON_SPACING_MARK) {
                continue;
            }
            if (cp < 0x80) {
                out.append((char) (cp >= 'A' && cp <= 'Z' ? cp + ('a' - 'A') : cp));
            } else {
                // Per character, as Hugging Face lowercases (no final-sigma context), full mapping.
                out.append(new String(Character.toChars(cp)).toLowerCase(Locale.ROOT));
            }
        }
        return out.toString();
    }

    private static boolean isWhitespace(int cp) {
        return cp == '\t' || cp == '\n' || cp == '\r' || Character.isWhitespace(cp) || Character.isSpaceChar(cp);
    }

    /** Unicode "other" categories but unassigned (Cc, Cf, Co, Cs), except the white-space controls. */
    private static boolean isControl(int cp) {
        if (cp == '\t' || cp == '\n' || cp == '\r') {
            return false;
        }
        int type = Character.getType(cp);
        return type == Character.CONTROL || type == Character.FORMAT || type == Character.PRIVATE_USE || type == Character.SURROGATE;
    }

    private static boolean isPunctuation(int cp) {
        if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126)) {
            return true;
        }
        int type = Character.getType(cp);
        return type == Character.CONNECTOR_PUNCTUATION || type == Character.DASH_PUNCTUATION
                || type == Character.START_PUNCTUATION || type == Character.END_PUNCTUATION
                || type == Character.INITIAL_QUOTE_PUNCTUATION || type == Character.FINAL_QUOTE_PUNCTUATION
                || type == Character.OTHER_PUNCTUATION;
    }

    private static boolean isCjkIdeograph(int cp) {
        return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x20000 && cp <= 0x2A6DF)
                || (cp >= 0x2A700 && cp <= 0x2B73F) || (cp >= 0x2B740 && cp <= 0x2B81F) || (cp >= 0x2B920 && cp <= 0x2CEAF)
                || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x2F800 && cp <= 0x2FA1F);
    }
}
