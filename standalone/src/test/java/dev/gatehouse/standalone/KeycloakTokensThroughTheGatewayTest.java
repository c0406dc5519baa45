package dev.gatehouse.standalone;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.catalog.CachedModelCatalog;
import dev.gatehouse.catalog.CatalogRepository;
import dev.gatehouse.tenant.Role;
import dev.gatehouse.tenant.Tenant;
import dev.gatehouse.tenant.TenantDirectory;
import dev.gatehouse.tenant.TenantLifecycle;
import dev.gatehouse.tenant.compliance.ComplianceProfiles;
import dev.gatehouse.tenant.keycloak.KeycloakDirectory;
import dev.gatehouse.tenant.keycloak.KeycloakTestServer;
import dev.gatehouse.tenant.keycloak.KeycloakTokens;
import dev.gatehouse.tenant.keycloak.MachineClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The distributed identity set-up end to end: the marketplace provisions tenants in a real
 * Keycloak, a tenant's machine client obtains an access token by client credentials, and the
 * gateway accepts it for model calls like an API key — and refuses it once the tenant is
 * suspended, or when it was tampered with.
 */
class KeycloakTokensThroughTheGatewayTest {

    private static final String REALM = "gatehouse-gateway-e2e";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path workDir;

    @Test
    void machineClientTokenCallsModelsUntilItsTenantIsSuspended() throws Exception {
        try (ConfigurableApplicationContext app = RunningMarketplace.start(workDir.resolve("data"),
                "--gatehouse.keycloak.server-url=" + KeycloakTestServer.url(),
                "--gatehouse.keycloak.realm=" + REALM,
                "--gatehouse.keycloak.admin-username=" + KeycloakTestServer.ADMIN_USERNAME,
                "--gatehouse.keycloak.admin-password=" + KeycloakTestServer.ADMIN_PASSWORD)) {
            TenantLifecycle lifecycle = app.getBean(TenantLifecycle.class);
            Tenant tenant = lifecycle.create("jwt-" + UUID.randomUUID().toString().substring(0, 8), "Token tenant",
                    Bootstrap.DEFAULT_TENANT_SETTINGS);
            app.getBean(ComplianceProfiles.class).save(tenant.id(), Bootstrap.DEFAULT_TENANT_PROFILE);
            app.getBean(CatalogRepository.class).subscribe(tenant.id(), "chat-simulator");
            app.getBean(CachedModelCatalog.class).refresh();
            app.getBean(TenantDirectory.class).refresh();
            MachineClient client = app.getBean(KeycloakDirectory.class).createMachineClient(tenant, "batch-job", Set.of(Role.DEVELOPER));
            String token = KeycloakTokens.clientCredentials(REALM, client);

            HttpResponse<String> accepted = RunningMarketplace.chat(app, token, "Hello from a batch job");
            assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);

            String tampered = token.substring(0, token.length() - 4) + (token.endsWith("AAAA") ? "BBBB" : "AAAA");
            HttpResponse<String> forged = RunningMarketplace.chat(app, tampered, "Hello from a batch job");
            assertThat(forged.statusCode()).isEqualTo(401);
            assertThat(JSON.readTree(forged.body()).at("/error/code").asText()).isEqualTo("invalid_access_token");

            lifecycle.suspend(tenant);
            app.getBean(TenantDirectory.class).refresh();
            HttpResponse<String> suspended = RunningMarketplace.chat(app, token, "Hello from a batch job");
            assertThat(suspended.statusCode()).isEqualTo(403);
            assertThat(JSON.readTree(suspended.body()).at("/error/code").asText()).isEqualTo("tenant_suspended");
        }
    }
}
