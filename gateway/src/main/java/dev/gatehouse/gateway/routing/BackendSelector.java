package dev.gatehouse.gateway.routing;

import dev.gatehouse.catalog.CatalogModel;
import dev.gatehouse.catalog.ModelBackend;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Chooses the backend of a model that takes a call, among those in the regions the policy allows
 * that this process may call (a backend whose upstream credential it cannot decrypt would only
 * answer 401s) and that are healthy, and leases one of its concurrency slots. The least loaded
 * wins, load being
 * <pre>
 *   (outstanding + waiting + 1) / (max concurrency × weight) × (1 + KV cache usage)
 * </pre>
 * where {@code outstanding} is the larger of the calls this gateway has in flight there and the
 * requests the server reports running, and {@code waiting} and {@code KV cache usage} come from
 * the inference server's own metrics while they are fresh (zero otherwise). Backends of equal load
 * take calls in turn. A backend whose slots are all taken, or whose circuit breaker refuses, is
 * passed over for the next one (decision 0500).
 */
public final class BackendSelector {

    /** Metrics older than this many scrape intervals no longer describe the server. */
    private static final int FRESH_SCRAPES = 3;

    private final BackendHealthBoard board;
    private final CapacityQueue queue;
    private final Clock clock;
    private final Map<String, AtomicInteger> turnByModel = new ConcurrentHashMap<>();

    public BackendSelector(BackendHealthBoard board, CapacityQueue queue, Clock clock) {
        this.board = board;
        this.queue = queue;
        this.clock = clock;
    }

    /** What choosing found: a lease, or why there is none. */
    public sealed interface Choice {
    }

    public record Leased(BackendLease lease) implements Choice {
    }

    /** Every permitted healthy backend is at its maximum concurrency: waiting may help. */
    public record AllBusy() implements Choice {
    }

    /** No permitted backend is healthy (or every one was tried already). */
    public record NoneAvailable() implements Choice {
    }

    public Choice choose(CatalogModel model, Set<String> allowedRegions, Collection<String> excluded) {
        List<ModelBackend> candidates = model.backends().stream()
                .filter(backend -> allowedRegions.contains(backend.region()))
                .filter(backend -> backend.credential() == null || backend.credential().readable())
                .filter(backend -> !excluded.contains(backend.id()))
                .filter(backend -> board.of(backend.id()).admitsCalls())
                .toList();
        if (candidates.isEmpty()) {
            return new NoneAvailable();
        }
        boolean sawFullBackend = false;
        for (ModelBackend backend : byLoad(model.id(), candidates)) {
            BackendHealth health = board.of(backend.id());
            int maxConcurrent = backend.capacity().maxConcurrentRequests();
            if (health.inFlight() >= maxConcurrent) {
                sawFullBackend = true;
                continue;
            }
            if (health.tryAcquire(maxConcurrent)) {
                return new Leased(new BackendLease(backend, health, freed -> queue.slotFreed(freed.modelId())));
            }
            sawFullBackend |= health.inFlight() >= maxConcurrent;
        }
        return sawFullBackend ? new AllBusy() : new NoneAvailable();
    }

    /** The candidates, least loaded first; equal loads in an order that turns with every call. */
    private List<ModelBackend> byLoad(String modelId, List<ModelBackend> candidates) {
        int turn = Math.floorMod(turnByModel.computeIfAbsent(modelId, id -> new AtomicInteger()).getAndIncrement(), candidates.size());
        List<ModelBackend> rotated = new ArrayList<>(candidates.size());
        for (int i = 0; i < candidates.size(); i++) {
            rotated.add(candidates.get((turn + i) % candidates.size()));
        }
        // stable sort: ties keep the rotated order
        rotated.sort(Comparator.comparingDouble(this::load));
        return rotated;
    }

    double load(ModelBackend backend) {
        BackendHealth health = board.of(backend.id());
        double outstanding = health.inFlight();
        double waiting = 0;
        double cacheUsage = 0;
        InferenceServerLoad server = health.load();
        if (server != null && isFresh(server)) {
            outstanding = Math.max(outstanding, server.running());
            waiting = server.waiting();
            cacheUsage = server.kvCacheUsage();
        }
        double capacity = (double) backend.capacity().maxConcurrentRequests() * backend.capacity().weight();
        return (outstanding + waiting + 1) / capacity * (1 + cacheUsage);
    }

    private boolean isFresh(InferenceServerLoad server) {
        Duration interval = board.settings().probeInterval();
        return !interval.isZero() && server.scrapedAt().plus(interval.multipliedBy(FRESH_SCRAPES)).isAfter(clock.instant());
    }
}
