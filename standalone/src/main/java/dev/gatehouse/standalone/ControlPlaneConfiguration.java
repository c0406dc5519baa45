package dev.gatehouse.standalone;

import dev.gatehouse.audit.ContentLog;
import dev.gatehouse.catalog.BackendUrlPolicy;
import dev.gatehouse.catalog.CachedModelCatalog;
import dev.gatehouse.crypto.TenantCipher;
import dev.gatehouse.gateway.content.ContentKeyRotation;
import dev.gatehouse.gateway.budgets.BudgetDirectory;
import dev.gatehouse.gateway.budgets.BudgetGuard;
import dev.gatehouse.gateway.budgets.BudgetStore;
import dev.gatehouse.gateway.metering.UsageLedger;
import dev.gatehouse.gateway.plane.OnPlane;
import dev.gatehouse.gateway.plane.Plane;
import dev.gatehouse.tenant.ApiKeyAuthenticator;
import dev.gatehouse.tenant.TenantDatabase;
import dev.gatehouse.tenant.TenantDirectory;
import dev.gatehouse.tenant.TenantErasureListener;
import dev.gatehouse.tenant.TenantLifecycle;
import dev.gatehouse.tenant.TenantProvisioner;
import dev.gatehouse.tenant.admin.AdminAccess;
import dev.gatehouse.tenant.admin.ComplianceAdminApi;
import dev.gatehouse.tenant.admin.TenantAdminApi;
import dev.gatehouse.tenant.compliance.ComplianceProfiles;
import dev.gatehouse.tenant.identity.BearerAuthenticator;
import dev.gatehouse.tenant.keycloak.KeycloakDirectory;
import dev.gatehouse.tenant.keycloak.KeycloakSettings;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.DependsOn;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;

import java.net.URI;
import java.time.Clock;
import java.util.Optional;

import javax.sql.DataSource;

/**
 * The control plane's HTTP APIs, served by the same process in the embedded default. Every
 * {@link TenantProvisioner} and {@link TenantErasureListener} bean in the context takes part in
 * creating and erasing tenants (e.g. Keycloak, crypto-shredding, audit).
 */
@Configuration(proxyBeanMethods = false)
@OnPlane(Plane.CONTROL)
class ControlPlaneConfiguration {

    /**
     * The distributed mode: with {@code gatehouse.keycloak.server-url} set, tenants are provisioned
     * in (and erased from) Keycloak, and the member and client endpoints are served.
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnExpression("!'${gatehouse.keycloak.server-url:}'.isBlank()")
    KeycloakDirectory keycloakDirectory(@Value("${gatehouse.keycloak.server-url}") URI serverUrl,
                                        @Value("${gatehouse.keycloak.realm:gatehouse}") String realm,
                                        @Value("${gatehouse.keycloak.audience:gatehouse}") String audience,
                                        @Value("${gatehouse.keycloak.admin-realm:master}") String adminRealm,
                                        @Value("${gatehouse.keycloak.admin-username}") String adminUsername,
                                        @Value("${gatehouse.keycloak.admin-password}") String adminPassword) {
        return KeycloakDirectory.connect(new KeycloakSettings(serverUrl, realm, audience, adminRealm, adminUsername, adminPassword));
    }

    @Bean
    TenantLifecycle tenantLifecycle(TenantDatabase database, ObjectProvider<TenantProvisioner> provisioners,
                                    ObjectProvider<TenantErasureListener> erasureListeners) {
        return new TenantLifecycle(database, provisioners.orderedStream().toList(), erasureListeners.orderedStream().toList());
    }

    @Bean
    RouterFunction<ServerResponse> tenantAdminRoutes(TenantDatabase database, TenantDirectory directory, TenantLifecycle lifecycle,
                                                     ApiKeyAuthenticator apiKeys, BearerAuthenticator callers,
                                                     ObjectProvider<KeycloakDirectory> keycloak, Clock clock) {
        return new TenantAdminApi(database, directory, lifecycle, apiKeys, callers, Optional.ofNullable(keycloak.getIfAvailable()), clock).routes();
    }

    @Bean
    RouterFunction<ServerResponse> complianceAdminRoutes(TenantDatabase database, BearerAuthenticator callers, ComplianceProfiles profiles) {
        return new ComplianceAdminApi(database, callers, profiles).routes();
    }

    @Bean(destroyMethod = "close")
    @DependsOn("auditLog")
    ContentKeyRotation contentKeyRotation(TenantCipher cipher, DataSource dataSource) {
        return new ContentKeyRotation(cipher, new ContentLog(dataSource));
    }

    @Bean
    RouterFunction<ServerResponse> usageAdminRoutes(TenantDatabase database, BearerAuthenticator callers, UsageLedger ledger,
                                                    CachedModelCatalog catalog, TenantDirectory tenants) {
        return UsageAdminRoutes.routes(new AdminAccess(callers, database), ledger, catalog, tenants);
    }

    @Bean
    RouterFunction<ServerResponse> budgetAdminRoutes(TenantDatabase database, BearerAuthenticator callers, BudgetStore store,
                                                     BudgetDirectory directory, BudgetGuard guard, BackendUrlPolicy urls, Clock clock) {
        return BudgetAdminRoutes.routes(new AdminAccess(callers, database), database, store, directory, guard, urls, clock);
    }

    /** An erased tenant's budgets, alerts and their undelivered webhook posts go with it. */
    @Bean
    TenantErasureListener tenantBudgetsEraser(BudgetStore store) {
        return tenant -> store.eraseTenant(tenant.id());
    }

    @Bean
    RouterFunction<ServerResponse> tenantKeyAdminRoutes(TenantDatabase database, BearerAuthenticator callers, ContentKeyRotation rotation) {
        return TenantKeyAdminRoutes.routes(new AdminAccess(callers, database), rotation);
    }
}
