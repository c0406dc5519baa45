package dev.gatehouse.catalog;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Keeps the whole catalog in memory so that no request waits on the database; {@link #refresh()}
 * swaps in a new snapshot atomically. The catalog is small (thousands of rows at most), so a full
 * reload is cheaper to reason about than change tracking. Subscriptions are held the same way.
 */
public final class CachedModelCatalog implements ModelCatalog {

    private record Snapshot(List<CatalogModel> all, Map<String, CatalogModel> byId, Map<UUID, Set<String>> subscriptions) {
    }

    private final CatalogRepository repository;
    private volatile Snapshot snapshot;

    public CachedModelCatalog(CatalogRepository repository) {
        this.repository = repository;
        refresh();
    }

    /** Serialised, so that a slow refresh that began earlier never replaces a newer snapshot. */
    public synchronized void refresh() {
        List<CatalogModel> all = List.copyOf(repository.loadAll());
        Map<UUID, Set<String>> subscriptions = repository.loadSubscriptions();
        snapshot = new Snapshot(all, all.stream().collect(Collectors.toUnmodifiableMap(CatalogModel::id, Function.identity())),
                subscriptions);
    }

    @Override
    public List<CatalogModel> models() {
        return snapshot.all();
    }

    @Override
    public boolean isSubscribed(UUID tenantId, String modelId) {
        return snapshot.subscriptions().getOrDefault(tenantId, Set.of()).contains(modelId);
    }

    @Override
    public Optional<CatalogModel> find(String modelId) {
        return Optional.ofNullable(snapshot.byId().get(modelId));
    }
}
