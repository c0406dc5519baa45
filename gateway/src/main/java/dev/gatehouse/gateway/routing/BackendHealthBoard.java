package dev.gatehouse.gateway.routing;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.gatehouse.catalog.BackendHealthReport;
import dev.gatehouse.catalog.ModelBackend;

import java.time.Clock;
import java.time.Duration;

/**
 * This process's {@link BackendHealth} of every backend, by backend id: created on first use,
 * forgotten an hour after a backend was last chosen or probed (a removed backend, say), so the
 * board never outgrows the catalog.
 */
public final class BackendHealthBoard implements BackendHealthReport.Source {

    private final Clock clock;
    private final Duration baseEjection;
    private final RoutingProperties settings;
    private final Cache<String, BackendHealth> byBackend = Caffeine.newBuilder().expireAfterAccess(Duration.ofHours(1)).build();

    public BackendHealthBoard(Clock clock, Duration baseEjection, RoutingProperties settings) {
        if (baseEjection.isNegative() || baseEjection.isZero()) {
            throw new IllegalArgumentException("the base ejection of a failed backend must be positive");
        }
        this.clock = clock;
        this.baseEjection = baseEjection;
        this.settings = settings;
    }

    public BackendHealth of(String backendId) {
        return byBackend.get(backendId, id -> new BackendHealth(id, clock, baseEjection, settings));
    }

    @Override
    public BackendHealthReport of(ModelBackend backend) {
        return of(backend.id()).report(backend.capacity().maxConcurrentRequests());
    }

    RoutingProperties settings() {
        return settings;
    }
}
