package dev.gatehouse.catalog;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A model offered in the marketplace, with the backends that serve it. Prices are per million
 * tokens in the platform's billing currency; {@code certifiedSpecialCategories} names the GDPR
 * Art. 9 categories of personal data (e.g. {@code health}) its operator has certified it for.
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
        Set<String> certifiedSpecialCategories,
        List<ModelBackend> backends) {

    public CatalogModel {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(kind, "kind");
        certifiedSpecialCategories = Set.copyOf(certifiedSpecialCategories);
        backends = List.copyOf(backends);
    }

    public boolean serves(ModelKind requested) {
        return kind == requested;
    }

    public Set<String> regions() {
        return backends.stream().map(ModelBackend::region).collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new));
    }
}
