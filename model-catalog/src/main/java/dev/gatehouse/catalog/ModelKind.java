package dev.gatehouse.catalog;

import java.util.Arrays;

/**
 * What an OpenAI-compatible endpoint a model serves. Stored as its code, so that kinds such as
 * rerank, vision or audio are a new constant (and endpoint) rather than a schema change.
 */
public enum ModelKind {
    CHAT("chat"),
    EMBEDDINGS("embeddings"),
    /** Scores documents against a query ({@code /v1/rerank}, the shape vLLM, TEI and Cohere-compatible servers share). */
    RERANK("rerank"),
    /**
     * The prompt scanner's injection classifier on an inference server of the Open Inference
     * Protocol ({@code /v2/models/{name}/infer}); the gateway calls it while scanning, no tenant
     * calls it (decision 0761).
     */
    INJECTION_CLASSIFIER("injection-classifier");

    private final String code;

    ModelKind(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }

    /** The codes, for messages that say which are accepted. */
    public static String codes() {
        return String.join(", ", Arrays.stream(values()).map(ModelKind::code).toList());
    }

    public static ModelKind fromCode(String code) {
        for (ModelKind kind : values()) {
            if (kind.code.equals(code)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("unknown model kind: " + code);
    }
}
