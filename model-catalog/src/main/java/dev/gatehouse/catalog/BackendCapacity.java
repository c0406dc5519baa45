package dev.gatehouse.catalog;

import java.time.Duration;
import java.util.Objects;

/**
 * What a backend can take and how long the gateway waits for it: GPU type and count (for the
 * catalog), the most concurrent requests one gateway sends it, its weight among a model's backends,
 * and three timeouts: to connect, from the sent request to the first byte of the answer (a model may
 * think long before it begins), and between two reads once the answer has begun (a stream that
 * stalls mid-answer).
 */
public record BackendCapacity(String gpuType, int gpuCount, int maxConcurrentRequests, int weight, Duration connectTimeout,
                              Duration firstByteTimeout, Duration idleTimeout) {

    public static final BackendCapacity DEFAULTS = new BackendCapacity(null, 0, 64, 100, Duration.ofSeconds(2), Duration.ofSeconds(120),
            Duration.ofSeconds(30));

    public BackendCapacity {
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(firstByteTimeout, "firstByteTimeout");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        if (gpuCount < 0 || maxConcurrentRequests < 1 || weight < 1) {
            throw new IllegalArgumentException("gpu count must be zero or more, max concurrency and weight at least 1");
        }
        for (Duration timeout : new Duration[] {connectTimeout, firstByteTimeout, idleTimeout}) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeouts must be positive");
            }
        }
    }
}
