package dev.gatehouse.catalog.admin;

import dev.gatehouse.catalog.CatalogModel;
import dev.gatehouse.catalog.CatalogRepository;
import dev.gatehouse.problem.ApiProblem;
import dev.gatehouse.problem.ProblemType;
import dev.gatehouse.tenant.ApiKeyPrincipal;
import dev.gatehouse.tenant.Role;
import dev.gatehouse.tenant.Tenant;
import dev.gatehouse.tenant.TenantDatabase;

import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Who may do what in the catalog. Publishers manage the models their own tenant publishes,
 * platform admins every model; any member of a tenant browses what its tenant can see. A model the
 * caller may not manage, or not see, answers 404 exactly like a missing one, so that another
 * tenant's private models do not reveal themselves.
 */
final class CatalogAccess {

    private static final Pattern PLAUSIBLE_SLUG = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    private final CatalogRepository repository;
    private final TenantDatabase tenants;

    CatalogAccess(CatalogRepository repository, TenantDatabase tenants) {
        this.repository = repository;
        this.tenants = tenants;
    }

    static void requirePublisher(ApiKeyPrincipal caller) {
        if (!caller.hasRole(Role.PUBLISHER) && !caller.hasRole(Role.PLATFORM_ADMIN)) {
            throw new ApiProblem(ProblemType.FORBIDDEN, "Publishing models needs the publisher or platform-admin role.");
        }
    }

    static boolean mayManage(ApiKeyPrincipal caller, CatalogModel model) {
        return caller.hasRole(Role.PLATFORM_ADMIN)
                || (caller.hasRole(Role.PUBLISHER) && caller.tenantId().equals(model.ownerTenant()));
    }

    /** The model, read fresh, if the caller may manage it; 404 otherwise. Blocking. */
    CatalogModel manageableModel(ApiKeyPrincipal caller, String modelId) {
        requirePublisher(caller);
        return find(modelId).filter(model -> mayManage(caller, model))
                .orElseThrow(() -> new ApiProblem(ProblemType.NOT_FOUND, "No model with this id among the models you publish.", "model"));
    }

    /** The model, read fresh, if the tenant can see it; 404 otherwise. Blocking. */
    CatalogModel visibleModel(UUID tenant, String modelId) {
        return find(modelId).filter(model -> model.visibleTo(tenant))
                .orElseThrow(() -> new ApiProblem(ProblemType.NOT_FOUND, "No model with this id in the catalog.", "model"));
    }

    /** Ids that cannot name a model (control characters, say) are not looked up at all. */
    private Optional<CatalogModel> find(String modelId) {
        return ModelRequests.isPlausibleModelId(modelId) ? repository.find(modelId) : Optional.empty();
    }

    String slugOf(UUID tenantId) {
        return tenants.tenants().find(tenantId).map(Tenant::slug).orElse(null);
    }

    UUID tenantIdOf(String slug) {
        if (slug == null || !PLAUSIBLE_SLUG.matcher(slug).matches()) {
            return null;
        }
        return tenants.tenants().findBySlug(slug).map(Tenant::id).orElse(null);
    }

    Tenant tenant(UUID tenantId) {
        return tenants.tenants().find(tenantId)
                .orElseThrow(() -> new ApiProblem(ProblemType.NOT_FOUND, "No tenant with this slug."));
    }
}
