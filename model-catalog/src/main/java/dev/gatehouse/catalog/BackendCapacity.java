package dev.gatehouse.catalog;

import java.time.Duration;
import java.util.Objects;

/**
 * What a backend can take and how long the gateway waits for it: GPU type and count (for the
 * catalog), the most concurrent requests one gateway sends it, its weight among a model's backends,
 * and the connect and response timeouts.
 */
public record BackendCapacity(String gpuType, int gpuCount, int maxConcurrentRequests, int weight, Duration connectTimeout,
                              Duration responseTimeout) {

    public static final BackendCapacity DEFAULTS = new BackendCapacity(null, 0, 64, 100, Duration.ofSeconds(2), Duration.ofSeconds(120));

    public BackendCapacity {
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(responseTimeout, "responseTimeout");
        if (gpuCount < 0 || maxConcurrentRequests < 1 || weight < 1) {
            throw new IllegalArgumentException("gpu count must be zero or more, max concurrency and weight at least 1");
        }
        if (connectTimeout.isNegative() || connectTimeout.isZero() || responseTimeout.isNegative() || responseTimeout.isZero()) {
            throw new IllegalArgumentException("timeouts must be positive");
        }
    }
}
