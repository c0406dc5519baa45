package dev.gatehouse.standalone;

import dev.gatehouse.catalog.CachedModelCatalog;
import dev.gatehouse.catalog.CatalogModel;
import dev.gatehouse.catalog.CatalogRepository;
import dev.gatehouse.tenant.ApiKeyAuthenticator;
import dev.gatehouse.tenant.IssuedApiKey;
import dev.gatehouse.tenant.Plan;
import dev.gatehouse.tenant.Role;
import dev.gatehouse.tenant.Tenant;
import dev.gatehouse.tenant.TenantDatabase;
import dev.gatehouse.tenant.TenantDirectory;
import dev.gatehouse.tenant.TenantSettings;
import dev.gatehouse.tenant.compliance.ComplianceProfiles;
import org.springframework.context.ApplicationContext;

import java.time.Instant;
import java.util.Set;

/**
 * Mints keys for tests straight through the tenant-service API, for a tenant set up like the
 * default one (EU residency, a general purpose) and subscribed to every catalogued model, visible
 * to the gateway at once.
 */
public final class TestKeys {

    private TestKeys() {
    }

    public static IssuedApiKey developerKey(ApplicationContext context, String tenantSlug, Instant expiresAt) {
        return developerKey(context, tenantSlug, Bootstrap.DEFAULT_TENANT_SETTINGS, expiresAt);
    }

    /** A key of a tenant (created if need be) set up like the default one but on {@code plan}. */
    static IssuedApiKey developerKeyOnPlan(ApplicationContext context, String tenantSlug, Plan plan) {
        TenantSettings defaults = Bootstrap.DEFAULT_TENANT_SETTINGS;
        return developerKey(context, tenantSlug, new TenantSettings(plan, defaults.residencyRegions(), defaults.allowedPurposes(),
                defaults.contentLogging(), defaults.retentionDays()), null);
    }

    private static IssuedApiKey developerKey(ApplicationContext context, String tenantSlug, TenantSettings settings, Instant expiresAt) {
        TenantDatabase database = context.getBean(TenantDatabase.class);
        Tenant tenant = database.tenants().findBySlug(tenantSlug).orElseGet(() -> {
            Tenant created = database.tenants().create(tenantSlug, "Tenant " + tenantSlug, settings);
            context.getBean(ComplianceProfiles.class).save(created.id(), Bootstrap.DEFAULT_TENANT_PROFILE);
            return created;
        });
        CachedModelCatalog catalog = context.getBean(CachedModelCatalog.class);
        for (CatalogModel model : catalog.models()) {
            context.getBean(CatalogRepository.class).subscribe(tenant.id(), model.id());
        }
        IssuedApiKey key = database.apiKeys().create(tenant.id(), "test key", Set.of(Role.DEVELOPER), expiresAt);
        catalog.refresh();
        context.getBean(TenantDirectory.class).refresh();
        context.getBean(ApiKeyAuthenticator.class).refresh();
        return key;
    }

    /** The bootstrap key is printed once to the console; tests mint their own platform-admin key for {@code default} instead. */
    public static String platformAdminKey(ApplicationContext context) {
        TenantDatabase database = context.getBean(TenantDatabase.class);
        Tenant tenant = database.tenants().findBySlug(Bootstrap.DEFAULT_TENANT).orElseThrow();
        IssuedApiKey key = database.apiKeys().create(tenant.id(), "test admin", Set.of(Role.PLATFORM_ADMIN, Role.TENANT_ADMIN), null);
        context.getBean(ApiKeyAuthenticator.class).refresh();
        return key.token();
    }
}
