package dev.gatehouse.scanner;

import java.util.List;
import java.util.Set;

/**
 * Text in the plain form the detectors scan: {@code text} is the input after Unicode and homoglyph
 * folding; {@code decodedSegments} are payloads found encoded inside it, already normalised.
 */
public record NormalizedText(String text, List<String> decodedSegments, Set<Obfuscation> obfuscations) {
    public NormalizedText {
        decodedSegments = List.copyOf(decodedSegments);
        obfuscations = Set.copyOf(obfuscations);
    }

    /** The folded text followed by every decoded payload, one per line. */
    public String scannable() {
        if (decodedSegments.isEmpty()) {
            return text;
        }
        return text + "\n" + String.join("\n", decodedSegments);
    }
}
