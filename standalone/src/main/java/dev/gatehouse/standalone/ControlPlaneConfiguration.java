package dev.gatehouse.standalone;

import dev.gatehouse.tenant.ApiKeyAuthenticator;
import dev.gatehouse.tenant.TenantDatabase;
import dev.gatehouse.tenant.TenantDirectory;
import dev.gatehouse.tenant.TenantErasureListener;
import dev.gatehouse.tenant.TenantLifecycle;
import dev.gatehouse.tenant.TenantProvisioner;
import dev.gatehouse.tenant.admin.TenantAdminApi;
import dev.gatehouse.tenant.identity.BearerAuthenticator;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;

import java.time.Clock;

/**
 * The control plane's HTTP APIs, served by the same process in the embedded default. Every
 * {@link TenantProvisioner} and {@link TenantErasureListener} bean in the context takes part in
 * creating and erasing tenants (e.g. Keycloak, crypto-shredding, audit).
 */
@Configuration(proxyBeanMethods = false)
class ControlPlaneConfiguration {

    @Bean
    TenantLifecycle tenantLifecycle(TenantDatabase database, ObjectProvider<TenantProvisioner> provisioners,
                                    ObjectProvider<TenantErasureListener> erasureListeners) {
        return new TenantLifecycle(database, provisioners.orderedStream().toList(), erasureListeners.orderedStream().toList());
    }

    @Bean
    RouterFunction<ServerResponse> tenantAdminRoutes(TenantDatabase database, TenantDirectory directory, TenantLifecycle lifecycle,
                                                     ApiKeyAuthenticator apiKeys, BearerAuthenticator callers, Clock clock) {
        return new TenantAdminApi(database, directory, lifecycle, apiKeys, callers, clock).routes();
    }
}
