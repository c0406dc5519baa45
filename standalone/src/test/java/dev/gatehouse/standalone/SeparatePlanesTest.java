package dev.gatehouse.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.standalone.portal.PortalConfiguration;
import dev.gatehouse.tenant.TenantLifecycle;
import dev.gatehouse.tenant.keycloak.KeycloakDirectory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.keycloak.admin.client.Keycloak;
import org.springframework.context.ConfigurableApplicationContext;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * One jar run as two planes on one PostgreSQL and one Vault, as the Helm chart runs it: a
 * control-plane process (a JVM of its own) provisions a tenant and its key, a gateway-mode process
 * serves them, and each answers the other plane's paths with a 404 problem that says where they
 * are served. The embedded default ({@code all}) is what every other test runs.
 */
class SeparatePlanesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String TENANT = "planes";

    @RegisterExtension
    static final SharedDatabaseServer database = new SharedDatabaseServer();

    @TempDir
    static Path dataDir;

    private static MarketplaceProcess controlPlane;
    private static String platformAdminKey;
    private static ConfigurableApplicationContext gateway;

    @BeforeAll
    static void startBothPlanes() throws Exception {
        controlPlane = MarketplaceProcess.start(dataDir.resolve("control-plane"), database.marketplaceArguments("--gatehouse.mode=control-plane"));
        platformAdminKey = controlPlane.bootstrapKey();
        // Keycloak as the chart configures it for both planes (the gateway checks its tokens); its admin
        // credentials too, which a gateway must ignore: it provisions nothing.
        gateway = RunningMarketplace.start(dataDir.resolve("gateway"), database.marketplaceArguments(
                "--gatehouse.mode=gateway",
                "--gatehouse.gateway.cache-refresh-interval=300ms",
                "--gatehouse.keycloak.server-url=http://127.0.0.1:9",
                "--gatehouse.keycloak.admin-username=admin",
                "--gatehouse.keycloak.admin-password=not-used-by-a-gateway"));
    }

    @AfterAll
    static void stopBothPlanes() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        if (controlPlane != null) {
            controlPlane.close();
        }
    }

    @Test
    void aTenantAndKeyTheControlPlaneProvisionsAreServedByTheGateway() throws Exception {
        expect(201, send(controlPlane.uri("/admin/v1/tenants"), "POST", platformAdminKey,
                Map.of("slug", TENANT, "display_name", "Two planes", "allowed_purposes", List.of("general"))));
        String tenantAdminKey = expect(201, send(controlPlane.uri("/admin/v1/tenants/" + TENANT + "/api-keys"), "POST", platformAdminKey,
                Map.of("name", "tenant admin", "roles", List.of("tenant-admin", "developer")))).get("token").asText();
        expect(200, send(controlPlane.uri("/admin/v1/tenants/" + TENANT + "/compliance"), "PUT", tenantAdminKey,
                Map.of("default_purpose", "general")));
        expect(201, send(controlPlane.uri("/admin/v1/tenants/" + TENANT + "/subscriptions"), "POST", tenantAdminKey,
                Map.of("model", BuiltinBackendsConfiguration.CHAT_MODEL)));
        String developerKey = expect(201, send(controlPlane.uri("/admin/v1/tenants/" + TENANT + "/api-keys"), "POST", tenantAdminKey,
                Map.of("name", "application", "roles", List.of("developer")))).get("token").asText();

        // The gateway reads what the control plane wrote from the database within its refresh interval.
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
                .until(() -> RunningMarketplace.chat(gateway, developerKey, "Hello from a tenant of the control plane").statusCode() == 200);
        HttpResponse<String> answer = RunningMarketplace.chat(gateway, developerKey, "What is the capital of Italy?");
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(JSON.readTree(answer.body()).at("/choices/0/message/content").asText()).contains("What is the capital of Italy?");
    }

    @Test
    void theGatewayServesNoControlPlaneApiAndHasNoKeycloakAdminClient() throws Exception {
        for (String path : List.of("/admin/v1/tenants", "/admin/v1/openapi.yaml", "/catalog/v1/models", "/portal", "/portal/catalog")) {
            ProblemAnswer answer = ProblemAnswer.of(send(RunningMarketplace.uri(gateway, path), "GET", platformAdminKey, null));
            answer.assertIs(404, "not_found");
            assertThat(answer.json().get("detail").asText()).as(path)
                    .isEqualTo("This process runs with gatehouse.mode=gateway and does not serve this path: the control plane does.");
        }
        ProblemAnswer provisioning = ProblemAnswer.of(send(RunningMarketplace.uri(gateway, "/admin/v1/tenants"), "POST", platformAdminKey,
                Map.of("slug", "through-the-gateway", "display_name", "Refused")));
        provisioning.assertIs(404, "not_found");

        assertThat(gateway.getBeanNamesForType(KeycloakDirectory.class)).isEmpty();
        assertThat(gateway.getBeanNamesForType(Keycloak.class)).isEmpty();
        assertThat(gateway.getBeanNamesForType(TenantLifecycle.class)).as("no provisioning").isEmpty();
        assertThat(gateway.getBeanNamesForType(PortalConfiguration.class)).as("no portal").isEmpty();
    }

    @Test
    void theControlPlaneServesNoModelCalls() throws Exception {
        List<HttpResponse<String>> answers = List.of(
                send(controlPlane.uri("/v1/models"), "GET", platformAdminKey, null),
                send(controlPlane.uri("/v1/chat/completions"), "POST", platformAdminKey,
                        Map.of("model", BuiltinBackendsConfiguration.CHAT_MODEL, "messages", List.of(Map.of("role", "user", "content", "Hello")))));

        for (HttpResponse<String> response : answers) {
            ProblemAnswer answer = ProblemAnswer.of(response);
            answer.assertIs(404, "not_found");
            assertThat(answer.json().get("detail").asText())
                    .isEqualTo("This process runs with gatehouse.mode=control-plane and does not serve this path: the gateway (data plane) does.");
        }
    }

    @Test
    void aModeThatNamesNoPlaneStopsTheStartNamingTheSetting() {
        assertThatThrownBy(() -> RunningMarketplace.start(dataDir.resolve("misconfigured"), "--gatehouse.mode=data-plane"))
                .hasStackTraceContaining("gatehouse.mode");
    }

    private static HttpResponse<String> send(URI uri, String method, String bearer, Object body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + bearer).header("Accept", "application/json");
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode expect(int status, HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        return JSON.readTree(response.body());
    }
}
