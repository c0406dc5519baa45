package dev.gatehouse.catalog;

import java.net.URI;
import java.util.Objects;

/**
 * One OpenAI-compatible inference server for a model (vLLM, TGI, SGLang, Ollama, Triton, a hosted
 * endpoint). {@code baseUrl} ends with the API version path (for example
 * {@code http://10.0.0.7:8000/v1}); the gateway appends the endpoint path. {@code credential} is
 * null when the backend needs none. A backend with {@code localToInstance} set is served by that
 * gateway process alone (the built-in backends) and is never stored in the shared catalog.
 * {@code servesResponsesApi} says the server answers OpenAI's Responses API ({@code /responses})
 * itself, as vLLM does, besides chat completions; the gateway then sends it Responses calls as they
 * are instead of translating them to chat (decision 0820).
 */
public record ModelBackend(String id, String modelId, URI baseUrl, String upstreamModel, String region, BackendCapacity capacity,
                           BackendTls tls, UpstreamCredential credential, String localToInstance, boolean servesResponsesApi) {

    public ModelBackend {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(baseUrl, "baseUrl");
        Objects.requireNonNull(upstreamModel, "upstreamModel");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(capacity, "capacity");
        Objects.requireNonNull(tls, "tls");
    }

    /** A backend that serves chat completions but not the Responses API. */
    public ModelBackend(String id, String modelId, URI baseUrl, String upstreamModel, String region, BackendCapacity capacity,
                        BackendTls tls, UpstreamCredential credential, String localToInstance) {
        this(id, modelId, baseUrl, upstreamModel, region, capacity, tls, credential, localToInstance, false);
    }

    /** A backend with default capacity, TLS and no credential, as most tests and simple setups need. */
    public ModelBackend(String id, String modelId, URI baseUrl, String upstreamModel, String region) {
        this(id, modelId, baseUrl, upstreamModel, region, BackendCapacity.DEFAULTS, BackendTls.DEFAULT, null, null);
    }

    public ModelBackend withCredential(UpstreamCredential newCredential) {
        return new ModelBackend(id, modelId, baseUrl, upstreamModel, region, capacity, tls, newCredential, localToInstance, servesResponsesApi);
    }

    public ModelBackend servingResponsesApi(boolean serves) {
        return new ModelBackend(id, modelId, baseUrl, upstreamModel, region, capacity, tls, credential, localToInstance, serves);
    }

    public ModelBackend localTo(String instance) {
        return new ModelBackend(id, modelId, baseUrl, upstreamModel, region, capacity, tls, credential, instance, servesResponsesApi);
    }

    public URI endpoint(String endpointPath) {
        String base = baseUrl.toString();
        String trimmed = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        return URI.create(trimmed + endpointPath);
    }
}
