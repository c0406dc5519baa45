package dev.gatehouse.gateway.budgets;

import dev.gatehouse.tenant.Tenant;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Budgets as the data plane sees them, answered from memory and reloaded by {@link #refresh()}
 * (few small rows): the tenants' settings and the keys' own budgets.
 */
public final class BudgetDirectory {

    private final BudgetStore store;
    private volatile Map<UUID, TenantBudgetSettings> tenants;
    private volatile Map<String, KeyBudget> keys;

    public BudgetDirectory(BudgetStore store) {
        this.store = store;
        refresh();
    }

    /** Serialised, so that a scheduled refresh that read before a save never publishes after the save's own refresh. */
    public synchronized void refresh() {
        tenants = store.tenantSettings().stream().collect(Collectors.toUnmodifiableMap(TenantBudgetSettings::tenantId, Function.identity()));
        keys = store.keyBudgets().stream().collect(Collectors.toUnmodifiableMap(KeyBudget::keyId, Function.identity()));
    }

    public TenantBudgetSettings settings(UUID tenantId) {
        TenantBudgetSettings settings = tenants.get(tenantId);
        return settings == null ? TenantBudgetSettings.defaults(tenantId) : settings;
    }

    public Optional<KeyBudget> keyBudget(UUID tenantId, String keyId) {
        return Optional.ofNullable(keys.get(keyId)).filter(key -> key.tenantId().equals(tenantId));
    }

    public List<KeyBudget> keyBudgets(UUID tenantId) {
        return keys.values().stream().filter(key -> key.tenantId().equals(tenantId)).sorted(java.util.Comparator.comparing(KeyBudget::keyId)).toList();
    }

    /** The budgets a call with this key is counted against at {@code now}: its tenant's and its key's, those that exist. */
    public List<SpendAccount> accountsFor(Tenant tenant, String keyId, Instant now) {
        List<SpendAccount> accounts = new ArrayList<>(2);
        settings(tenant.id()).budget(tenant.settings().plan()).ifPresent(budget -> accounts.add(SpendAccount.of(tenant.id(), null, budget, now)));
        keyBudget(tenant.id(), keyId).ifPresent(key -> accounts.add(SpendAccount.of(tenant.id(), keyId, key.budget(), now)));
        return accounts;
    }

    /** Whether the tenant's calls go on uncounted while the limit store is unreachable (else they are refused). */
    public boolean admitsWhenLimitsUnreachable(UUID tenantId) {
        return settings(tenantId).admitWhenLimitsUnreachable();
    }
}
