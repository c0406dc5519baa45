package dev.gatehouse.tenant;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a key may be used for beyond its roles: which models and which API endpoints (paths such
 * as {@code /v1/chat/completions}), and how many requests and tokens per minute (below its
 * tenant's plan). A {@code null} set means unrestricted; an empty set is not allowed, since a key
 * that can call nothing is a mistake. A {@code null} rate is the plan's.
 */
public record ApiKeyScopes(Set<String> models, Set<String> endpoints, Long requestsPerMinute, Long tokensPerMinute) {

    public static final ApiKeyScopes UNRESTRICTED = new ApiKeyScopes(null, null);

    private static final Pattern ENDPOINT = Pattern.compile("/v1(/[a-z0-9._-]+)+");
    private static final int MAX_ENTRIES = 100;
    private static final int MAX_MODEL_LENGTH = 200;

    /** Scopes without rate limits of the key's own. */
    public ApiKeyScopes(Set<String> models, Set<String> endpoints) {
        this(models, endpoints, null, null);
    }

    public ApiKeyScopes {
        if (requestsPerMinute != null && (requestsPerMinute < 1 || requestsPerMinute > Plan.MAX_REQUESTS_PER_MINUTE)) {
            throw new InvalidAttributeException("requests_per_minute",
                    "'requests_per_minute' must be null or between 1 and " + Plan.MAX_REQUESTS_PER_MINUTE + ".");
        }
        if (tokensPerMinute != null && (tokensPerMinute < 1 || tokensPerMinute > Plan.MAX_TOKENS_PER_MINUTE)) {
            throw new InvalidAttributeException("tokens_per_minute",
                    "'tokens_per_minute' must be null or between 1 and " + Plan.MAX_TOKENS_PER_MINUTE + ".");
        }
        if (models != null) {
            if (models.isEmpty() || models.size() > MAX_ENTRIES || !models.stream().allMatch(ApiKeyScopes::plausibleModelId)) {
                throw new InvalidAttributeException("allowed_models", "'allowed_models' must be null or 1-" + MAX_ENTRIES
                        + " model ids of at most " + MAX_MODEL_LENGTH + " characters without spaces or control characters.");
            }
            models = Set.copyOf(models);
        }
        if (endpoints != null) {
            if (endpoints.isEmpty() || endpoints.size() > MAX_ENTRIES
                    || !endpoints.stream().allMatch(endpoint -> endpoint != null && ENDPOINT.matcher(endpoint).matches())) {
                throw new InvalidAttributeException("allowed_endpoints",
                        "'allowed_endpoints' must be null or a non-empty list of API paths such as /v1/chat/completions.");
            }
            endpoints = Set.copyOf(endpoints);
        }
    }

    /** These scopes, with each unrestricted one replaced by {@code parent}'s (which may be unrestricted too). */
    public ApiKeyScopes inheritingUnsetFrom(ApiKeyScopes parent) {
        return new ApiKeyScopes(models == null ? parent.models : models, endpoints == null ? parent.endpoints : endpoints,
                requestsPerMinute == null ? parent.requestsPerMinute : requestsPerMinute,
                tokensPerMinute == null ? parent.tokensPerMinute : tokensPerMinute);
    }

    /** Whether the key has rate limits of its own. */
    public boolean limitsRate() {
        return requestsPerMinute != null || tokensPerMinute != null;
    }

    public boolean allowsModel(String modelId) {
        return models == null || models.contains(modelId);
    }

    public boolean allowsEndpoint(String path) {
        return endpoints == null || endpoints.contains(path);
    }

    private static boolean plausibleModelId(String model) {
        return model != null && !model.isEmpty() && model.codePointCount(0, model.length()) <= MAX_MODEL_LENGTH
                && model.codePoints().noneMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c));
    }
}
