package dev.gatehouse.scanner;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces personal data with typed placeholders ({@code [EMAIL_1]}, {@code [IBAN_2]}) and remembers
 * the mapping so that a model response mentioning the placeholders can be restored for the caller.
 * The same value gets the same placeholder throughout one request. Personal data that only the
 * normalised text shows (written in look-alike, fullwidth or invisible characters) is replaced in
 * the normalised text, which is then what goes out; what is still found afterwards (in an encoded
 * payload, say) is reported by {@link #personalDataIn}, so that the caller can refuse to send it.
 * One instance per request: it holds personal data in memory and is not thread-safe; drop it when
 * the response is sent.
 */
public final class Pseudonymizer {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\[([A-Z_]+)_(\\d+)]");
    /** Longest placeholder a stream may have to hold back while waiting for its closing bracket. */
    private static final int MAX_PLACEHOLDER_LENGTH = 32;

    private final PersonalDataDetector detector;
    private final TextNormalizer normalizer = new TextNormalizer();
    private final Map<String, String> placeholderByValue = new HashMap<>();
    private final Map<String, String> valueByPlaceholder = new HashMap<>();
    private final Map<PiiType, Integer> counters = new EnumMap<>(PiiType.class);

    public Pseudonymizer(PersonalDataDetector detector) {
        this.detector = detector;
    }

    public String pseudonymize(String text) {
        String replaced = replaceMatches(text);
        if (personalDataIn(replaced).isEmpty()) {
            return replaced;
        }
        return replaceMatches(normalizer.normalize(replaced).text());
    }

    /** The kinds of personal data the detector finds in the text as the scanner reads it: normalised, decoded payloads included. */
    public Set<PiiType> personalDataIn(String text) {
        return detector.find(normalizer.normalize(text).scannable()).stream().map(PiiMatch::type)
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(PiiType.class)));
    }

    private String replaceMatches(String text) {
        List<PiiMatch> matches = detector.find(text);
        if (matches.isEmpty()) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        int cursor = 0;
        for (PiiMatch match : matches) {
            out.append(text, cursor, match.start()).append(placeholderFor(match.type(), match.in(text)));
            cursor = match.end();
        }
        return out.append(text, cursor, text.length()).toString();
    }

    /** Puts the original values back; placeholders this instance did not issue are left as they are. */
    public String restore(String text) {
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder(text.length());
        while (m.find()) {
            String value = valueByPlaceholder.get(m.group());
            m.appendReplacement(out, Matcher.quoteReplacement(value == null ? m.group() : value));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** A restorer for a streamed response whose chunks may split a placeholder. */
    public StreamRestorer streamRestorer() {
        return new StreamRestorer();
    }

    private String placeholderFor(PiiType type, String value) {
        return placeholderByValue.computeIfAbsent(value, v -> {
            int n = counters.merge(type, 1, Integer::sum);
            String placeholder = "[" + type.label() + "_" + n + "]";
            valueByPlaceholder.put(placeholder, v);
            return placeholder;
        });
    }

    /** Holds back a trailing "[..." that might be the start of a placeholder until it is complete. */
    public final class StreamRestorer {
        private String pending = "";

        private StreamRestorer() {
        }

        public String accept(String chunk) {
            String text = pending + chunk;
            int open = text.lastIndexOf('[');
            if (open >= 0 && text.indexOf(']', open) < 0 && text.length() - open < MAX_PLACEHOLDER_LENGTH) {
                pending = text.substring(open);
                return restore(text.substring(0, open));
            }
            pending = "";
            return restore(text);
        }

        public String finish() {
            String rest = restore(pending);
            pending = "";
            return rest;
        }
    }
}
