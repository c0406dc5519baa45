package dev.gatehouse.scanner;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces personal data with typed placeholders ({@code [EMAIL_1]}, {@code [IBAN_2]}) and remembers
 * the mapping so that a model response mentioning the placeholders can be restored for the caller.
 * Personal data is found where the scanner finds it, in the normalised text and its decoded
 * payloads, and replaced where it was written: an address in fullwidth letters or with invisible
 * characters inside is replaced with those characters, an encoded payload that holds personal data
 * is replaced whole (by the placeholders of what it held), and the rest of the text stays as the
 * caller wrote it. The same value, however it was written, gets the same placeholder throughout one
 * request; restoring gives the value in its plain form. Every encoded payload is read, however many
 * (the injection detectors' bound does not apply). What is still found afterwards (a number that
 * the shortened text now puts after its naming keyword, say) is reported by {@link #personalDataIn},
 * so that the caller can refuse to send it. One instance per request: it holds personal data in
 * memory and is not thread-safe; drop it when the response is sent.
 */
public final class Pseudonymizer {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\[([A-Z_]+)_(\\d+)]");
    /** Longest placeholder a stream may have to hold back while waiting for its closing bracket. */
    private static final int MAX_PLACEHOLDER_LENGTH = 32;

    private final PersonalDataDetector detector;
    private final TextNormalizer normalizer = TextNormalizer.decodingEveryPayload();
    private final Map<String, String> placeholderByValue = new HashMap<>();
    private final Map<String, String> valueByPlaceholder = new HashMap<>();
    private final Map<PiiType, Integer> counters = new EnumMap<>(PiiType.class);

    public Pseudonymizer(PersonalDataDetector detector) {
        this.detector = detector;
    }

    public String pseudonymize(String text) {
        NormalizedText normalized = normalizer.normalize(text);
        String plain = normalized.scannable();
        List<PiiMatch> matches = detector.find(plain);
        if (matches.isEmpty()) {
            return text;
        }
        // Matches in the folded text first: a decoded payload's match that lies inside one of them
        // (the ROT13 reading of an address) is the same characters, already replaced.
        List<Replacement> replacements = new ArrayList<>();
        for (PiiMatch match : matches) {
            if (normalized.inFoldedText(match)) {
                replacements.add(replacementOf(match, normalized, plain));
            }
        }
        // the folded text's spans are in order and apart: the only one that can hold a span is the last that starts before it
        int[] foldedStarts = replacements.stream().mapToInt(Replacement::start).toArray();
        List<Replacement> ofFoldedText = List.copyOf(replacements);
        for (PiiMatch match : matches) {
            if (!normalized.inFoldedText(match)) {
                PiiMatch raw = normalized.inRaw(match);
                int before = Arrays.binarySearch(foldedStarts, raw.start());
                int candidate = before >= 0 ? before : -before - 2;
                if (candidate < 0 || ofFoldedText.get(candidate).end() < raw.end()) {
                    replacements.add(replacementOf(match, normalized, plain));
                }
            }
        }
        return replace(text, merged(replacements));
    }

    private Replacement replacementOf(PiiMatch match, NormalizedText normalized, String plain) {
        PiiMatch raw = normalized.inRaw(match);
        return new Replacement(raw.start(), raw.end(), placeholderFor(match.type(), match.in(plain)));
    }

    /** The kinds of personal data the detector finds in the text as the scanner reads it: normalised, every decoded payload included. */
    public Set<PiiType> personalDataIn(String text) {
        return detector.find(normalizer.normalize(text).scannable()).stream().map(PiiMatch::type)
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(PiiType.class)));
    }

    /** Raw characters {@code [start, end)} give way to a placeholder of what was found in them. */
    private record Replacement(int start, int end, String placeholder) {
    }

    /** Raw characters {@code [start, end)} give way to the placeholders of everything found in them, each once. */
    private record MergedReplacement(int start, int end, Set<String> placeholders) {
    }

    /** Overlapping replacements (two addresses in one encoded payload) become one, with the placeholders of both. */
    private static List<MergedReplacement> merged(List<Replacement> replacements) {
        replacements.sort(Comparator.comparingInt(Replacement::start));
        List<MergedReplacement> merged = new ArrayList<>();
        for (Replacement next : replacements) {
            MergedReplacement last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
            if (last != null && next.start() < last.end()) {
                last.placeholders().add(next.placeholder());
                merged.set(merged.size() - 1, new MergedReplacement(last.start(), Math.max(last.end(), next.end()), last.placeholders()));
            } else {
                merged.add(new MergedReplacement(next.start(), next.end(), new LinkedHashSet<>(List.of(next.placeholder()))));
            }
        }
        return merged;
    }

    private static String replace(String text, List<MergedReplacement> replacements) {
        StringBuilder out = new StringBuilder(text.length());
        int cursor = 0;
        for (MergedReplacement replacement : replacements) {
            out.append(text, cursor, replacement.start()).append(String.join(" ", replacement.placeholders()));
            cursor = replacement.end();
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
