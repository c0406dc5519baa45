package dev.gatehouse.catalog;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * A model offered in the marketplace, with the backends that serve it. {@code ownerTenant} is the
 * publishing tenant, null for the platform's own models (the built-in ones, or those an operator
 * declares). {@code prices} is the whole price history, oldest first. {@code fallbackModels} are
 * the ids of the models that take a call, in this order, when none of this model's backends can
 * serve it; each must still pass the policy for that call (decision 0510).
 */
public record CatalogModel(
        String id,
        ModelKind kind,
        UUID ownerTenant,
        ModelDescription description,
        ModelCompliance compliance,
        ModelLifecycle lifecycle,
        ModelAccess access,
        List<ModelPrice> prices,
        boolean simulator,
        Instant createdAt,
        List<ModelBackend> backends,
        List<String> fallbackModels) {

    public CatalogModel {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(compliance, "compliance");
        Objects.requireNonNull(lifecycle, "lifecycle");
        Objects.requireNonNull(access, "access");
        Objects.requireNonNull(createdAt, "createdAt");
        prices = prices.stream().sorted(Comparator.comparing(ModelPrice::effectiveFrom)).toList();
        if (prices.isEmpty()) {
            throw new IllegalArgumentException("a model needs a price (zero is a price)");
        }
        backends = List.copyOf(backends);
        fallbackModels = List.copyOf(fallbackModels);
        if (fallbackModels.contains(id)) {
            throw new IllegalArgumentException("a model cannot be its own fallback");
        }
    }

    /**
     * A public, generally available model of the platform's own (no publishing tenant) at one price
     * from its creation on: the built-in models, and the simplest entry an operator declares.
     */
    public static CatalogModel platformModel(String id, ModelKind kind, ModelDescription description, ModelPrice price,
                                             boolean simulator, Set<String> certifiedSpecialCategories, List<ModelBackend> backends) {
        return new CatalogModel(id, kind, null, description, new ModelCompliance(Set.of(), certifiedSpecialCategories, null, false),
                ModelLifecycle.GENERALLY_AVAILABLE, ModelAccess.PUBLIC_OPEN, List.of(price), simulator, price.effectiveFrom(), backends, List.of());
    }

    public boolean serves(ModelKind requested) {
        return kind == requested;
    }

    public boolean visibleTo(UUID tenant) {
        return access.visibleTo(tenant, ownerTenant);
    }

    /** The price in force at {@code when}: the newest that took effect by then (the first one, for earlier times). */
    public ModelPrice priceAt(Instant when) {
        ModelPrice inForce = prices.get(0);
        for (ModelPrice price : prices) {
            if (!price.effectiveFrom().isAfter(when)) {
                inForce = price;
            }
        }
        return inForce;
    }

    public Set<String> certifiedSpecialCategories() {
        return compliance.certifiedSpecialCategories();
    }

    public Set<String> regions() {
        return backends.stream().map(ModelBackend::region).collect(Collectors.toCollection(TreeSet::new));
    }

    /** Whether the model has backends and every one serves the Responses API itself, so a Responses call may go to any of them as it is. */
    public boolean backendsServeResponsesApi() {
        return !backends.isEmpty() && backends.stream().allMatch(ModelBackend::servesResponsesApi);
    }

    public CatalogModel withBackends(List<ModelBackend> newBackends) {
        return new CatalogModel(id, kind, ownerTenant, description, compliance, lifecycle, access, prices, simulator, createdAt, newBackends,
                fallbackModels);
    }

    public CatalogModel withFallbackModels(List<String> newFallbackModels) {
        return new CatalogModel(id, kind, ownerTenant, description, compliance, lifecycle, access, prices, simulator, createdAt, backends,
                newFallbackModels);
    }
}
