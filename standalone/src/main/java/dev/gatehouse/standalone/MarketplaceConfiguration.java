package dev.gatehouse.standalone;

import dev.gatehouse.catalog.BackendUrlPolicy;
import dev.gatehouse.catalog.CachedModelCatalog;
import dev.gatehouse.catalog.CatalogRepository;
import dev.gatehouse.catalog.admin.CatalogAdminApi;
import dev.gatehouse.gateway.plane.OnPlane;
import dev.gatehouse.gateway.plane.Plane;
import dev.gatehouse.gateway.routing.BackendHealthBoard;
import dev.gatehouse.tenant.TenantDatabase;
import dev.gatehouse.tenant.admin.AdminAccess;
import dev.gatehouse.tenant.identity.BearerAuthenticator;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;

import java.time.Clock;
import java.util.UUID;

/**
 * The marketplace: the catalog's API for publishers, subscribers and browsers, and this process's
 * identity among replicas.
 */
@Configuration(proxyBeanMethods = false)
class MarketplaceConfiguration {

    @Bean
    GatewayInstance gatewayInstance(@Value("${gatehouse.instance-id:}") String configured) {
        return new GatewayInstance(configured.isBlank() ? UUID.randomUUID().toString() : configured);
    }

    @Bean
    @OnPlane(Plane.CONTROL)
    RouterFunction<ServerResponse> catalogRoutes(CatalogRepository repository, CachedModelCatalog catalog, BearerAuthenticator callers,
                                                 TenantDatabase database, BackendUrlPolicy backendUrls, BackendHealthBoard backendHealth,
                                                 Clock clock) {
        return new CatalogAdminApi(repository, catalog, new AdminAccess(callers, database), database, backendUrls, backendHealth, clock)
                .routes();
    }
}
