package dev.gatehouse.catalog;

import java.net.URI;
import java.util.Objects;

/**
 * One OpenAI-compatible inference server for a model. {@code baseUrl} ends with the API version
 * path (for example {@code http://10.0.0.7:8000/v1}); the gateway appends the endpoint path.
 */
public record ModelBackend(String id, String modelId, URI baseUrl, String upstreamModel, String region) {

    public ModelBackend {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(baseUrl, "baseUrl");
        Objects.requireNonNull(upstreamModel, "upstreamModel");
        Objects.requireNonNull(region, "region");
    }

    public URI endpoint(String endpointPath) {
        String base = baseUrl.toString();
        String trimmed = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        return URI.create(trimmed + endpointPath);
    }
}
