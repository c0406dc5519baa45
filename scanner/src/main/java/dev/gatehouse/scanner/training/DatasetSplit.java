package dev.gatehouse.scanner.training;

import dev.gatehouse.scanner.evaluation.LabelledExample;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Deterministic hold-out split: an example goes to the development set when the SHA-256 of its
 * whitespace- and case-folded text falls in the first {@code devPercent} of the hash space, so the
 * split never changes when files are reordered, and duplicates (after folding) are kept once, so
 * no text is both trained on and evaluated.
 */
public record DatasetSplit(List<LabelledExample> train, List<LabelledExample> dev) {

    public static DatasetSplit of(List<LabelledExample> examples, int devPercent) {
        Map<String, LabelledExample> unique = new LinkedHashMap<>();
        for (LabelledExample e : examples) {
            unique.putIfAbsent(fold(e.text()), e);
        }
        List<LabelledExample> train = new ArrayList<>();
        List<LabelledExample> dev = new ArrayList<>();
        unique.entrySet().stream()
                .sorted(Comparator.comparing(Map.Entry::getKey))
                .forEach(entry -> (bucket(entry.getKey()) < devPercent ? dev : train).add(entry.getValue()));
        return new DatasetSplit(List.copyOf(train), List.copyOf(dev));
    }

    static String fold(String text) {
        return text.strip().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
    }

    /** 0..99 from the first two bytes of the SHA-256 of the folded text. */
    static int bucket(String folded) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(folded.getBytes(StandardCharsets.UTF_8));
            return (((hash[0] & 0xff) << 8) | (hash[1] & 0xff)) % 100;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}
