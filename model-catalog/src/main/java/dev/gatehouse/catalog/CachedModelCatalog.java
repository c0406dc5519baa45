package dev.gatehouse.catalog;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Keeps the whole catalog in memory so that no request waits on the database; {@link #refresh()}
 * swaps in a new snapshot atomically. The catalog is small (thousands of rows at most), so a full
 * reload is cheaper to reason about than change tracking. Subscriptions are held the same way.
 * Backends local to this process (the built-in ones) are merged into their models' backends here
 * and nowhere else, so replicas never see, or overwrite, each other's.
 */
public final class CachedModelCatalog implements ModelCatalog {

    private record Snapshot(List<CatalogModel> all, Map<String, CatalogModel> byId,
                            Map<UUID, Map<String, SubscriptionStatus>> subscriptions) {
    }

    private final CatalogRepository repository;
    private final List<ModelBackend> localBackends = new CopyOnWriteArrayList<>();
    private volatile Snapshot snapshot;

    public CachedModelCatalog(CatalogRepository repository) {
        this.repository = repository;
        refresh();
    }

    /** Adds backends that this process alone serves (each marked with {@link ModelBackend#localToInstance()}). */
    public void addLocalBackends(List<ModelBackend> backends) {
        for (ModelBackend backend : backends) {
            if (backend.localToInstance() == null) {
                throw new IllegalArgumentException("backend " + backend.id() + " is not local to a process");
            }
        }
        localBackends.addAll(backends);
        refresh();
    }

    /** Serialised, so that a slow refresh that began earlier never replaces a newer snapshot. */
    public synchronized void refresh() {
        List<CatalogModel> all = repository.loadAll().stream().map(this::withLocalBackends).toList();
        Map<UUID, Map<String, SubscriptionStatus>> subscriptions = repository.loadSubscriptions();
        snapshot = new Snapshot(all, all.stream().collect(Collectors.toUnmodifiableMap(CatalogModel::id, Function.identity())),
                subscriptions);
    }

    /** The model with the backends this process alone serves added to its stored ones. */
    public CatalogModel withLocalBackends(CatalogModel model) {
        List<ModelBackend> local = localBackends.stream().filter(backend -> backend.modelId().equals(model.id())).toList();
        if (local.isEmpty()) {
            return model;
        }
        List<ModelBackend> merged = new ArrayList<>(model.backends());
        merged.addAll(local);
        return model.withBackends(merged);
    }

    @Override
    public List<CatalogModel> models() {
        return snapshot.all();
    }

    @Override
    public Optional<SubscriptionStatus> subscription(UUID tenantId, String modelId) {
        return Optional.ofNullable(snapshot.subscriptions().getOrDefault(tenantId, Map.of()).get(modelId));
    }

    @Override
    public Optional<CatalogModel> find(String modelId) {
        return Optional.ofNullable(snapshot.byId().get(modelId));
    }
}
