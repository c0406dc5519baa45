package dev.gatehouse.catalog;

import java.util.Objects;

/**
 * How a model presents itself in the catalog: names, a one-paragraph summary, the model card
 * (markdown), the licence and the context length in tokens (null when unstated).
 */
public record ModelDescription(String displayName, String publisher, String summary, String modelCard, String license,
                               Integer contextLength) {

    public ModelDescription {
        Objects.requireNonNull(displayName, "displayName");
        Objects.requireNonNull(publisher, "publisher");
        summary = Objects.requireNonNullElse(summary, "");
        modelCard = Objects.requireNonNullElse(modelCard, "");
        license = Objects.requireNonNullElse(license, "");
        if (contextLength != null && contextLength <= 0) {
            throw new IllegalArgumentException("contextLength must be positive");
        }
    }

    public static ModelDescription of(String displayName, String publisher, String summary) {
        return new ModelDescription(displayName, publisher, summary, "", "", null);
    }
}
