package dev.gatehouse.tenant;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Tenants as the data plane sees them, answered from memory; {@link #refresh()} reloads the
 * snapshot. Tenant rows are few and small, so a full reload every few seconds is cheap.
 */
public final class TenantDirectory {

    private final TenantRepository repository;
    private volatile Map<UUID, Tenant> byId;
    private volatile Map<String, Tenant> bySlug;

    public TenantDirectory(TenantRepository repository) {
        this.repository = repository;
        refresh();
    }

    /** Serialised: a scheduled refresh that read before a save must not publish after the save's own refresh. */
    public synchronized void refresh() {
        List<Tenant> all = repository.all();
        bySlug = all.stream().collect(Collectors.toUnmodifiableMap(Tenant::slug, Function.identity()));
        byId = all.stream().collect(Collectors.toUnmodifiableMap(Tenant::id, Function.identity()));
    }

    public Optional<Tenant> find(UUID tenantId) {
        return Optional.ofNullable(byId.get(tenantId));
    }

    public Optional<Tenant> findBySlug(String slug) {
        return Optional.ofNullable(bySlug.get(slug));
    }
}
