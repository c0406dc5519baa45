package dev.gatehouse.gateway.identity;

import dev.gatehouse.tenant.ApiKeyAuthenticator;
import dev.gatehouse.tenant.TenantDirectory;
import dev.gatehouse.tenant.identity.BearerAuthenticator;
import dev.gatehouse.tenant.identity.IdentityProviderSettings;
import dev.gatehouse.tenant.identity.JwtAuthenticator;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.net.URI;

/**
 * How callers are recognised. Without {@code gatehouse.keycloak.server-url} (the embedded default)
 * only API keys are accepted; with it, access tokens of the {@code gatehouse.keycloak.realm} realm
 * (default {@code gatehouse}) meant for {@code gatehouse.keycloak.audience} (default
 * {@code gatehouse}) are accepted as well.
 */
@Configuration(proxyBeanMethods = false)
public class GatewayIdentityConfiguration {

    @Bean
    BearerAuthenticator bearerAuthenticator(ApiKeyAuthenticator apiKeys, TenantDirectory tenants,
                                            @Value("${gatehouse.keycloak.server-url:}") String serverUrl,
                                            @Value("${gatehouse.keycloak.realm:gatehouse}") String realm,
                                            @Value("${gatehouse.keycloak.audience:gatehouse}") String audience) {
        if (serverUrl.isBlank()) {
            return BearerAuthenticator.apiKeysOnly(apiKeys);
        }
        IdentityProviderSettings settings = IdentityProviderSettings.keycloak(URI.create(serverUrl), realm, audience);
        return BearerAuthenticator.apiKeysAndJwts(apiKeys, JwtAuthenticator.forIssuer(settings, tenants));
    }
}
