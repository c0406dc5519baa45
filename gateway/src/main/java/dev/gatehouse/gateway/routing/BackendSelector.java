package dev.gatehouse.gateway.routing;

import dev.gatehouse.catalog.CatalogModel;
import dev.gatehouse.catalog.ModelBackend;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Spreads a model's calls over its backends in the regions the policy allows, in turn, skipping
 * backends that recently failed to connect (passive health): a failed backend rests for the
 * configured period, then is tried again. A backend whose upstream credential this process cannot
 * decrypt is never chosen: it would only answer 401s.
 */
public final class BackendSelector {

    private final Clock clock;
    private final Duration restPeriod;
    private final Map<String, Instant> unavailableUntil = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> turnByModel = new ConcurrentHashMap<>();

    public BackendSelector(Clock clock, Duration restPeriod) {
        if (restPeriod.isNegative() || restPeriod.isZero()) {
            throw new IllegalArgumentException("the rest period of a failed backend must be positive");
        }
        this.clock = clock;
        this.restPeriod = restPeriod;
    }

    /** The next available backend of the model in one of {@code allowedRegions}, if any. */
    public Optional<ModelBackend> choose(CatalogModel model, Set<String> allowedRegions) {
        List<ModelBackend> available = available(model, allowedRegions);
        if (available.isEmpty()) {
            return Optional.empty();
        }
        int turn = turnByModel.computeIfAbsent(model.id(), id -> new AtomicInteger()).getAndIncrement();
        return Optional.of(available.get(Math.floorMod(turn, available.size())));
    }

    public boolean anyAvailable(CatalogModel model, Set<String> allowedRegions) {
        return !available(model, allowedRegions).isEmpty();
    }

    private List<ModelBackend> available(CatalogModel model, Set<String> allowedRegions) {
        Instant now = clock.instant();
        return model.backends().stream()
                .filter(backend -> allowedRegions.contains(backend.region()))
                .filter(backend -> backend.credential() == null || backend.credential().readable())
                .filter(backend -> unavailableUntil.getOrDefault(backend.id(), Instant.MIN).isBefore(now))
                .toList();
    }

    public void markUnavailable(ModelBackend backend) {
        unavailableUntil.put(backend.id(), clock.instant().plus(restPeriod));
    }
}
