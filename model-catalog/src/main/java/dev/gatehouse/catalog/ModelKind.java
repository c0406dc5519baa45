package dev.gatehouse.catalog;

/**
 * What an OpenAI-compatible endpoint a model serves. Stored as its code, so that kinds such as
 * rerank, vision or audio are a new constant (and endpoint) rather than a schema change.
 */
public enum ModelKind {
    CHAT("chat"),
    EMBEDDINGS("embeddings"),
    /** Scores documents against a query ({@code /v1/rerank}, the shape vLLM, TEI and Cohere-compatible servers share). */
    RERANK("rerank");

    private final String code;

    ModelKind(String code) {
        this.code = code;
    }

    public String code() {
        return code;
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
