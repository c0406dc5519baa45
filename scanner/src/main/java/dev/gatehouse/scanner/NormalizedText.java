package dev.gatehouse.scanner;

import java.util.List;
import java.util.Set;

/**
 * Text in the plain form the detectors scan: {@code text} is the input after Unicode and homoglyph
 * folding; {@code decodedSegments} are payloads found encoded inside it, already normalised;
 * {@code rawOffsets} leads each character of {@link #scannable()} back to the raw input, so that
 * what a detector finds in the plain form can be replaced where it was written.
 */
public record NormalizedText(String text, List<String> decodedSegments, Set<Obfuscation> obfuscations, RawOffsets rawOffsets) {
    public NormalizedText {
        decodedSegments = List.copyOf(decodedSegments);
        obfuscations = Set.copyOf(obfuscations);
    }

    static NormalizedText of(TracedText text, List<TracedText> decoded, Set<Obfuscation> obfuscations) {
        return new NormalizedText(text.text(), decoded.stream().map(TracedText::text).toList(), obfuscations,
                RawOffsets.joined(text, decoded));
    }

    /** The folded text followed by every decoded payload, one per line. */
    public String scannable() {
        if (decodedSegments.isEmpty()) {
            return text;
        }
        return text + "\n" + String.join("\n", decodedSegments);
    }

    /**
     * The raw characters behind a match in {@link #scannable()}: for the folded text the exact
     * characters, invisible ones inside included; for a decoded payload its whole encoded run.
     */
    public PiiMatch inRaw(PiiMatch inScannable) {
        return new PiiMatch(inScannable.type(), rawOffsets.start(inScannable.start(), inScannable.end()),
                rawOffsets.end(inScannable.start(), inScannable.end()));
    }

    /** Whether a match in {@link #scannable()} was found in the folded text rather than in a decoded payload. */
    public boolean inFoldedText(PiiMatch inScannable) {
        return inScannable.end() <= text.length();
    }
}
