package dev.gatehouse.standalone;

import dev.gatehouse.catalog.CachedModelCatalog;
import dev.gatehouse.catalog.CatalogModel;
import dev.gatehouse.catalog.CatalogRepository;
import dev.gatehouse.gateway.plane.OnPlane;
import dev.gatehouse.gateway.plane.Plane;
import dev.gatehouse.tenant.ApiKeyAuthenticator;
import dev.gatehouse.tenant.IssuedApiKey;
import dev.gatehouse.tenant.Role;
import dev.gatehouse.tenant.Tenant;
import dev.gatehouse.tenant.TenantDatabase;
import dev.gatehouse.tenant.TenantDirectory;
import dev.gatehouse.tenant.TenantLifecycle;
import dev.gatehouse.tenant.Plan;
import dev.gatehouse.tenant.TenantSettings;
import dev.gatehouse.tenant.compliance.ComplianceProfile;
import dev.gatehouse.tenant.compliance.ComplianceProfiles;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

import java.io.PrintStream;
import java.util.Map;
import java.util.Set;

/**
 * At first start, creates the {@code default} tenant (provisioned like any other: its key is
 * created), subscribed to every model of the platform's own in the catalog
 * (the built-in ones), and an admin API key, and prints the key once,
 * to the console only (never to the log, never to disk). Starting with
 * {@code --gatehouse.bootstrap.mint-admin-key=true} prints a fresh admin key, for an operator who
 * lost the first one.
 */
@Component
@OnPlane(Plane.CONTROL)
@Order(Bootstrap.ORDER)
class Bootstrap implements ApplicationRunner {

    /** Before the declarative catalog, whose subscriptions may name the default tenant. */
    static final int ORDER = 0;
    static final String DEFAULT_TENANT = "default";
    private static final String GENERAL_PURPOSE = "general";
    /** The default tenant processes in the EU, for a general purpose, and logs no content. */
    static final TenantSettings DEFAULT_TENANT_SETTINGS = new TenantSettings(
            Plan.DEFAULT, TenantSettings.DEFAULTS.residencyRegions(), Set.of(GENERAL_PURPOSE), false, 0);
    static final ComplianceProfile DEFAULT_TENANT_PROFILE = new ComplianceProfile(GENERAL_PURPOSE, Map.of(), Map.of(),
            "refuse", ComplianceProfile.DEFAULTS.injectionThreshold(), ComplianceProfile.DEFAULTS.injectionAction(), false, false);

    private static final Set<Role> ADMIN_ROLES = Set.of(Role.PLATFORM_ADMIN, Role.TENANT_ADMIN, Role.DEVELOPER);

    private final TenantDatabase database;
    private final TenantLifecycle lifecycle;
    private final CatalogRepository catalogRepository;
    private final CachedModelCatalog catalog;
    private final ComplianceProfiles complianceProfiles;
    private final TenantDirectory directory;
    private final ApiKeyAuthenticator authenticator;
    private final boolean mintAdminKey;
    private final PrintStream console;

    Bootstrap(TenantDatabase database, TenantLifecycle lifecycle, CatalogRepository catalogRepository, CachedModelCatalog catalog, ComplianceProfiles complianceProfiles,
              TenantDirectory directory, ApiKeyAuthenticator authenticator,
              @Value("${gatehouse.bootstrap.mint-admin-key:false}") boolean mintAdminKey) {
        this.database = database;
        this.lifecycle = lifecycle;
        this.catalogRepository = catalogRepository;
        this.catalog = catalog;
        this.complianceProfiles = complianceProfiles;
        this.directory = directory;
        this.authenticator = authenticator;
        this.mintAdminKey = mintAdminKey;
        this.console = System.out;
    }

    @Override
    public void run(ApplicationArguments args) {
        Tenant tenant = database.tenants().findBySlug(DEFAULT_TENANT).orElse(null);
        boolean firstStart = tenant == null;
        if (firstStart) {
            tenant = lifecycle.create(DEFAULT_TENANT, "Default tenant", DEFAULT_TENANT_SETTINGS);
            complianceProfiles.save(tenant.id(), DEFAULT_TENANT_PROFILE);
            for (CatalogModel model : catalog.models()) {
                if (model.ownerTenant() == null) {
                    catalogRepository.subscribe(tenant.id(), model.id());
                }
            }
            catalog.refresh();
        }
        if (firstStart || mintAdminKey) {
            IssuedApiKey key = database.apiKeys().create(tenant.id(), firstStart ? "bootstrap admin" : "minted admin", ADMIN_ROLES, null);
            directory.refresh();
            authenticator.refresh();
            console.println();
            console.println("==================================================================");
            console.println(" Gatehouse admin API key for tenant '" + DEFAULT_TENANT + "' (shown once, store it now):");
            console.println();
            console.println("   " + key.token());
            console.println();
            console.println(" Key id: " + key.keyId() + "   roles: platform-admin, tenant-admin, developer");
            console.println("==================================================================");
            console.println();
        }
    }
}
