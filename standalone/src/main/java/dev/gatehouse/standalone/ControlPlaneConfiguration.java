package dev.gatehouse.standalone;

import dev.gatehouse.tenant.ApiKeyAuthenticator;
import dev.gatehouse.tenant.TenantDatabase;
import dev.gatehouse.tenant.admin.TenantAdminHandler;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;

/** The control plane's HTTP APIs, served by the same process in the embedded default. */
@Configuration(proxyBeanMethods = false)
class ControlPlaneConfiguration {

    @Bean
    RouterFunction<ServerResponse> tenantAdminRoutes(TenantDatabase database, ApiKeyAuthenticator authenticator) {
        return new TenantAdminHandler(database, authenticator).routes();
    }
}
