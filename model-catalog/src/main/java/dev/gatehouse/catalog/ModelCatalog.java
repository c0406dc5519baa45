package dev.gatehouse.catalog;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The catalog as the data plane sees it: read-only, answered from memory. */
public interface ModelCatalog {

    List<CatalogModel> models();

    Optional<CatalogModel> find(String modelId);

    /** The tenant's subscription status for the model, if it has one. */
    Optional<SubscriptionStatus> subscription(UUID tenantId, String modelId);

    /**
     * Whether the tenant may call the model: it can see the model and has an active subscription.
     * A model that turned private keeps its subscribers' rows but no longer entitles them.
     */
    default boolean isEntitled(UUID tenantId, CatalogModel model) {
        return model.visibleTo(tenantId) && subscription(tenantId, model.id()).orElse(null) == SubscriptionStatus.ACTIVE;
    }
}
