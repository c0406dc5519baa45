package dev.gatehouse.catalog;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A model offered in the marketplace, with the backends that serve it. Prices are per million
 * tokens in the platform's billing currency.
 */
public record CatalogModel(
        String id,
        ModelKind kind,
        String displayName,
        String publisher,
        String description,
        boolean simulator,
        BigDecimal inputPricePerMillionTokens,
        BigDecimal outputPricePerMillionTokens,
        Instant createdAt,
        List<ModelBackend> backends) {

    public CatalogModel {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(kind, "kind");
        backends = List.copyOf(backends);
    }

    public boolean serves(ModelKind requested) {
        return kind == requested;
    }
}
