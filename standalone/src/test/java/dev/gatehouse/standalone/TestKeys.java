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
import dev.gatehouse.tenant.TenantLifecycle;
import dev.gatehouse.tenant.TenantSettings;
import dev.gatehouse.tenant.compliance.ComplianceProfile;
import dev.gatehouse.tenant.compliance.ComplianceProfiles;
import org.springframework.context.ApplicationContext;

import java.time.Instant;
import java.util.Set;
import java.util.UUID;

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

    /**
     * A key of a new tenant created as the platform creates one (its key made in the key service),
     * whose settings log content for 30 days, subscribed to every model.
     */
    static IssuedApiKey keyOfTenantLoggingContent(ApplicationContext context, String slugPrefix) {
        TenantSettings defaults = Bootstrap.DEFAULT_TENANT_SETTINGS;
        Tenant tenant = context.getBean(TenantLifecycle.class).create(slugPrefix + "-" + UUID.randomUUID().toString().substring(0, 8),
                "Tenant " + slugPrefix, new TenantSettings(defaults.plan(), defaults.residencyRegions(), defaults.allowedPurposes(), true, 30));
        context.getBean(ComplianceProfiles.class).save(tenant.id(), Bootstrap.DEFAULT_TENANT_PROFILE);
        return developerKey(context, tenant.slug(), defaults, null);
    }

    /** The tenant of {@code key} refuses detected injections (400) instead of flagging them as a new tenant does. */
    static void blockInjections(ApplicationContext context, IssuedApiKey key) {
        ComplianceProfile defaults = Bootstrap.DEFAULT_TENANT_PROFILE;
        context.getBean(ComplianceProfiles.class).save(key.tenantId(), new ComplianceProfile(defaults.defaultPurpose(),
                defaults.transferBases(), defaults.specialCategoryBases(), defaults.transferChoice(), defaults.injectionThreshold(),
                "block", defaults.scanResponses(), defaults.requireContentLog()));
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
