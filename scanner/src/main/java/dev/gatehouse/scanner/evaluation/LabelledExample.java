package dev.gatehouse.scanner.evaluation;

import java.util.Objects;

/** One line of a labelled JSONL file: {@code label} 1 is an injection, 0 benign. */
public record LabelledExample(String text, int label, String category, String source) {
    public LabelledExample {
        Objects.requireNonNull(text, "text");
        category = category == null || category.isBlank() ? "uncategorised" : category;
        source = source == null ? "" : source;
    }

    public boolean isInjection() {
        return label == 1;
    }
}
