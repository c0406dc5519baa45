package dev.gatehouse.scanner;

import java.util.Objects;

/** What to do when a model response leaks the system prompt, or contains personal data. */
public record ResponsePolicy(ScanAction onSystemPromptLeak, ScanAction onPersonalData) {
    public ResponsePolicy {
        Objects.requireNonNull(onSystemPromptLeak, "onSystemPromptLeak");
        Objects.requireNonNull(onPersonalData, "onPersonalData");
    }
}
