package dev.gatehouse.catalog;

import java.net.URI;
import java.util.Objects;

/**
 * One OpenAI-compatible inference server for a model (vLLM, TGI, SGLang, Ollama, Triton, a hosted
 * endpoint). {@code baseUrl} ends with the API version path (for example
 * {@code http://10.0.0.7:8000/v1}); the gateway appends the endpoint path. {@code credential} is
 * null when the backend needs none. A backend with {@code localToInstance} set is served by that
 * gateway process alone (the built-in backends) and is never stored in the shared catalog.
 */
public record ModelBackend(String id, String modelId, URI baseUrl, String upstreamModel, String region, BackendCapacity capacity,
                           BackendTls tls, UpstreamCredential credential, String localToInstance) {

    public ModelBackend {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(baseUrl, "baseUrl");
        Objects.requireNonNull(upstreamModel, "upstreamModel");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(capacity, "capacity");
        Objects.requireNonNull(tls, "tls");
    }

    /** A backend with default capacity, TLS and no credential, as most tests and simple setups need. */
    public ModelBackend(String id, String modelId, URI baseUrl, String upstreamModel, String region) {
        this(id, modelId, baseUrl, upstreamModel, region, BackendCapacity.DEFAULTS, BackendTls.DEFAULT, null, null);
    }

    public ModelBackend withCredential(UpstreamCredential newCredential) {
        return new ModelBackend(id, modelId, baseUrl, upstreamModel, region, capacity, tls, newCredential, localToInstance);
    }

    public ModelBackend localTo(String instance) {
        return new ModelBackend(id, modelId, baseUrl, upstreamModel, region, capacity, tls, credential, instance);
    }

    public URI endpoint(String endpointPath) {
        String base = baseUrl.toString();
        String trimmed = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        return URI.create(trimmed + endpointPath);
    }
}
