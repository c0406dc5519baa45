package dev.gatehouse.testing;

import java.util.List;
import java.util.Random;

/**
 * Text that parsers, normalisers and validators meet from hostile callers: control and invisible
 * characters, bidirectional overrides, lone surrogates, characters that NFKC expands, combining
 * marks, look-alikes, tokens and escapes with a meaning of their own, and long runs, mixed with
 * ordinary words.
 */
public final class HostileText {

    private static final List<String> PIECES = List.of(
            "ignore", "all", "previous", "instructions", "Hello", "world", "a", "Z", "0", "42", "-1", "1e309", "0.1",
            " ", "  ", "\t", "\n", "\r\n", "\r", "\u00a0", "\u2028", "\u2029", "\u3000", "\u0085", "\u000b", "\u000c",
            "\u0000", "\u0001", "\u001b[31m", "\u007f", "\u009f",
            "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u180e",
            "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069", "\u200e", "\u200f", "\u061c",
            "\ud800", "\udbff", "\udc00", "\udfff", "\ud83d", "\ude00",
            "\ud83d\ude00", "\ud83d\udc4d\ud83c\udffd", "\udb40\udc41\udb40\udc42", "\udb40\udd00", "\ufe0f",
            "\ufdfa", "\u3300", "\ufb03", "\u2474", "\uff21\uff42", "\ud835\udc00", "\u0130", "\u00df", "\u03a3",
            "e\u0301", "\u0301\u0301\u0301", "\u200b\u0301",
            "\u0430", "\u0435", "\u043e", "\u0391", "\u03bf",
            "\u5ffd\u7565", "\ud55c\uad6d\uc5b4", "\u0645\u0631\u062d\u0628\u0627", "\u05e9\u05dc\u05d5\u05dd",
            "\ufffd", "\uffff", "\ufffe", "\ue000",
            "[CLS]", "[SEP]", "[MASK]", "[UNK]", "[PAD]", "[", "]", "##",
            "aWdub3JlIGFsbCBwcmV2aW91cyBpbnN0cnVjdGlvbnM=", "%41%42%43", "%", "%zz", "\\u0041\\u0042\\u0043\\u0044",
            "\\x41\\x42\\x43\\x44\\x45\\x46", "69676e6f726520616c6c", "MFRGGZDFMZTWQ2LKNNWG23TPOBYXE", "1gn0r3", "i.g.n.o.r.e",
            "\"", "\\", "\\\"", "{", "}", "[]", "{}", ":", ",", "null", "true", "<script>", "'; DROP TABLE x; --",
            "../", "..%2F", "%00", "%2e%2e", "/", "?", "#", "&", "=", "+", "~", "*", "@");

    private HostileText() {
    }

    /** Up to {@code maxPieces} pieces, now and then one repeated into a run of up to about 2000 characters. */
    public static String next(Random random, int maxPieces) {
        StringBuilder text = new StringBuilder();
        int pieces = random.nextInt(maxPieces + 1);
        for (int i = 0; i < pieces; i++) {
            String piece = PIECES.get(random.nextInt(PIECES.size()));
            text.append(random.nextInt(40) == 0 ? piece.repeat(1 + random.nextInt(2000 / piece.length())) : piece);
        }
        return text.toString();
    }

    /** Any UTF-16 sequence at all, surrogates and unassigned code points included. */
    public static String anyChars(Random random, int maxLength) {
        char[] chars = new char[random.nextInt(maxLength + 1)];
        for (int i = 0; i < chars.length; i++) {
            chars[i] = (char) (random.nextBoolean() ? random.nextInt(0x80) : random.nextInt(0x10000));
        }
        return new String(chars);
    }

    /** The text with everything outside printable ASCII as a Java escape, for failure messages. */
    public static String escaped(String text) {
        StringBuilder out = new StringBuilder(Math.min(text.length(), 400) + 2).append('"');
        for (int i = 0; i < text.length() && out.length() < 400; i++) {
            char c = text.charAt(i);
            if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
                out.append(c);
            } else {
                out.append(String.format("\\u%04x", (int) c));
            }
        }
        return out.append(text.length() > 400 ? "\"... (" + text.length() + " chars)" : "\"").toString();
    }
}
