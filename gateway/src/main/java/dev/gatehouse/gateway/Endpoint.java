package dev.gatehouse.gateway;

import dev.gatehouse.catalog.ModelKind;
import org.springframework.http.HttpMethod;
import org.springframework.web.util.UriUtils;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The OpenAI-compatible endpoints Gatehouse serves. A path ending in {@code {...}} names one
 * resource below its collection (the rest of the path, percent-decoded, since model ids may hold
 * a slash); an API key's {@code allowed_endpoints} name the collection's path for it.
 */
public enum Endpoint {
    MODELS("/v1/models", HttpMethod.GET, null, null, false),
    MODEL("/v1/models/{model}", HttpMethod.GET, null, null, false),
    CHAT_COMPLETIONS("/v1/chat/completions", HttpMethod.POST, "/chat/completions", ModelKind.CHAT, true),
    COMPLETIONS("/v1/completions", HttpMethod.POST, "/completions", ModelKind.CHAT, true),
    /**
     * Translated to a chat completion for the backend (ResponsesTranslationFilter), so every later
     * step sees a chat call, unless the model's backends serve the Responses API themselves
     * ({@link #RESPONSES_BACKEND_PATH}, decision 0820).
     */
    RESPONSES("/v1/responses", HttpMethod.POST, "/chat/completions", ModelKind.CHAT, true),
    /** A response kept for its tenant ({@code store: true}), answered by StoredResponsesFilter; DELETE forgets it. */
    STORED_RESPONSE("/v1/responses/{response}", HttpMethod.GET, null, null, false),
    STORED_RESPONSE_DELETION("/v1/responses/{response}", HttpMethod.DELETE, null, null, false),
    EMBEDDINGS("/v1/embeddings", HttpMethod.POST, "/embeddings", ModelKind.EMBEDDINGS, false),
    RERANK("/v1/rerank", HttpMethod.POST, "/rerank", ModelKind.RERANK, false);

    /** Where a backend that serves the Responses API itself takes it. */
    public static final String RESPONSES_BACKEND_PATH = "/responses";

    private static final String TEMPLATE_START = "/{";

    private final String path;
    private final HttpMethod method;
    private final String backendPath;
    private final ModelKind modelKind;
    private final boolean streams;

    Endpoint(String path, HttpMethod method, String backendPath, ModelKind modelKind, boolean streams) {
        this.path = path;
        this.method = method;
        this.backendPath = backendPath;
        this.modelKind = modelKind;
        this.streams = streams;
    }

    public String path() {
        return path;
    }

    /** The path an API key's {@code allowed_endpoints} names to admit this endpoint: a resource's collection. */
    public String scopePath() {
        int template = path.indexOf(TEMPLATE_START);
        return template < 0 ? path : path.substring(0, template);
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

    /** Whether {@code "stream": true} asks this endpoint for server-sent events. */
    public boolean streams() {
        return streams;
    }

    /** The resource a request path names below this endpoint's collection, decoded; empty for endpoints without one. */
    public Optional<String> resourceIn(String requestPath) {
        int template = path.indexOf(TEMPLATE_START);
        if (template < 0 || !requestPath.startsWith(path.substring(0, template + 1))) {
            return Optional.empty();
        }
        String resource = requestPath.substring(template + 1);
        if (resource.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(UriUtils.decode(resource, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException badEscape) {
            return Optional.empty();
        }
    }

    /** The endpoint at this path taking this method; else the first at this path (which answers 405); empty for no path of ours. */
    public static Optional<Endpoint> forRequest(String path, HttpMethod method) {
        Endpoint atPath = null;
        for (Endpoint endpoint : values()) {
            if (endpoint.path.equals(path) || endpoint.resourceIn(path).isPresent()) {
                if (endpoint.method.equals(method)) {
                    return Optional.of(endpoint);
                }
                atPath = atPath == null ? endpoint : atPath;
            }
        }
        return Optional.ofNullable(atPath);
    }
}
