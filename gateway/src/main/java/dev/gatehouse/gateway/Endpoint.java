package dev.gatehouse.gateway;

import dev.gatehouse.catalog.ModelKind;
import org.springframework.http.HttpMethod;

import java.util.Optional;

/** The OpenAI-compatible endpoints Gatehouse serves. */
public enum Endpoint {
    MODELS("/v1/models", HttpMethod.GET, null, null),
    CHAT_COMPLETIONS("/v1/chat/completions", HttpMethod.POST, "/chat/completions", ModelKind.CHAT),
    EMBEDDINGS("/v1/embeddings", HttpMethod.POST, "/embeddings", ModelKind.EMBEDDINGS);

    private final String path;
    private final HttpMethod method;
    private final String backendPath;
    private final ModelKind modelKind;

    Endpoint(String path, HttpMethod method, String backendPath, ModelKind modelKind) {
        this.path = path;
        this.method = method;
        this.backendPath = backendPath;
        this.modelKind = modelKind;
    }

    public String path() {
        return path;
    }

    public HttpMethod method() {
        return method;
    }

    /** The path below a backend's base URL, for endpoints that are forwarded to a model backend. */
    public String backendPath() {
        return backendPath;
    }

    public ModelKind modelKind() {
        return modelKind;
    }

    public boolean callsModel() {
        return modelKind != null;
    }

    public static Optional<Endpoint> forPath(String path) {
        for (Endpoint endpoint : values()) {
            if (endpoint.path.equals(path)) {
                return Optional.of(endpoint);
            }
        }
        return Optional.empty();
    }
}
