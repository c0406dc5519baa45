package dev.gatehouse.catalog;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The catalog as the data plane sees it: read-only, answered from memory. */
public interface ModelCatalog {

    List<CatalogModel> models();

    Optional<CatalogModel> find(String modelId);

    boolean isSubscribed(UUID tenantId, String modelId);
}
