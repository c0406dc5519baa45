package dev.gatehouse.scanner.evaluation;

import java.util.Objects;

/**
 * One line of a labelled JSONL file: {@code label} 1 is an injection, 0 benign. {@code role} says
 * what the example's source is for: {@code dev} (never trained or tuned on), {@code calibration}
 * (where the default threshold is chosen), {@code indist} (test split of a training source) or
 * {@code train}.
 */
public record LabelledExample(String text, int label, String category, String source, String role) {
    public LabelledExample {
        Objects.requireNonNull(text, "text");
        category = category == null || category.isBlank() ? "uncategorised" : category;
        source = source == null || source.isBlank() ? "unnamed" : source;
        role = role == null || role.isBlank() ? "dev" : role;
    }

    public boolean isInjection() {
        return label == 1;
    }
}
