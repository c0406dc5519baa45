package dev.gatehouse.standalone;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.catalog.CachedModelCatalog;
import dev.gatehouse.catalog.CatalogRepository;
import dev.gatehouse.tenant.ApiKeyAuthenticator;
import dev.gatehouse.tenant.IssuedApiKey;
import dev.gatehouse.tenant.Plan;
import dev.gatehouse.tenant.Role;
import dev.gatehouse.tenant.Tenant;
import dev.gatehouse.tenant.TenantDatabase;
import dev.gatehouse.tenant.TenantDirectory;
import dev.gatehouse.tenant.TenantSettings;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** A tenant admin records compliance facts through the admin API, and the gateway decides by them at once, without a restart. */
@MarketplaceTest
class ComplianceProfileAdminTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String CHAT = "{\"model\":\"chat-simulator\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello there\"}]}";

    @LocalServerPort
    int port;
    @Autowired
    TenantDatabase tenants;
    @Autowired
    TenantDirectory directory;
    @Autowired
    ApiKeyAuthenticator authenticator;
    @Autowired
    CatalogRepository catalog;
    @Autowired
    CachedModelCatalog catalogCache;

    private String slug;
    private IssuedApiKey admin;
    private IssuedApiKey developer;

    @BeforeEach
    void tenantWithoutDefaultPurpose() {
        slug = "compliance-" + UUID.randomUUID().toString().substring(0, 8);
        Tenant tenant = tenants.tenants().create(slug, "Compliance admin test",
                new TenantSettings(Plan.DEFAULT, Set.of("eu-central"), Set.of("general"), false, 0));
        catalog.subscribe(tenant.id(), "chat-simulator");
        catalogCache.refresh();
        admin = tenants.apiKeys().create(tenant.id(), "admin", Set.of(Role.TENANT_ADMIN, Role.DEVELOPER), null);
        developer = tenants.apiKeys().create(tenant.id(), "dev", Set.of(Role.DEVELOPER), null);
        directory.refresh();
        authenticator.refresh();
    }

    @Test
    void recordingADefaultPurposeLetsCallsThroughWithoutRestart() throws Exception {
        HttpResponse<String> before = send("POST", "/v1/chat/completions", developer, CHAT);
        assertThat(before.statusCode()).isEqualTo(403);
        assertThat(before.body()).contains("PURPOSE_MISSING");

        HttpResponse<String> saved = send("PUT", "/admin/v1/tenants/" + slug + "/compliance", admin,
                "{\"default_purpose\":\"general\",\"transfer_bases\":{\"us-east\":\"scc\"},\"injection_action\":\"flag\"}");
        assertThat(saved.statusCode()).as(saved.body()).isEqualTo(200);

        assertThat(send("POST", "/v1/chat/completions", developer, CHAT).statusCode()).isEqualTo(200);
        assertThat(new ObjectMapper().readTree(send("GET", "/admin/v1/tenants/" + slug + "/compliance", admin, null).body())
                .at("/transfer_bases/us-east").asText()).isEqualTo("scc");
    }

    @Test
    void refusesMalformedProfilesNamingTheField() throws Exception {
        HttpResponse<String> unknownMechanism = send("PUT", "/admin/v1/tenants/" + slug + "/compliance", admin,
                "{\"transfer_bases\":{\"us-east\":\"pinky-promise\"}}");
        HttpResponse<String> threshold = send("PUT", "/admin/v1/tenants/" + slug + "/compliance", admin, "{\"injection_threshold\":\"high\"}");
        HttpResponse<String> unknownField = send("PUT", "/admin/v1/tenants/" + slug + "/compliance", admin, "{\"allow_everything\":true}");

        assertThat(unknownMechanism.statusCode()).isEqualTo(400);
        assertThat(unknownMechanism.body()).contains("\"param\":\"transfer_bases\"");
        assertThat(threshold.statusCode()).isEqualTo(400);
        assertThat(unknownField.statusCode()).isEqualTo(400);
    }

    @Test
    void developersAndOtherTenantsCannotTouchTheProfileOrTheKeys() throws Exception {
        assertThat(send("PUT", "/admin/v1/tenants/" + slug + "/compliance", developer, "{\"default_purpose\":\"general\"}").statusCode())
                .isEqualTo(403);
        assertThat(send("GET", "/admin/v1/tenants/default/compliance", admin, null).statusCode()).isEqualTo(404);
        assertThat(send("PUT", "/admin/v1/tenants/default/compliance", admin, "{\"default_purpose\":\"general\"}").statusCode()).isEqualTo(404);
        assertThat(send("POST", "/admin/v1/tenants/default/keys/rotate", admin, "").statusCode()).isEqualTo(404);
        assertThat(send("POST", "/admin/v1/tenants/" + slug + "/keys/rotate", developer, "").statusCode()).isEqualTo(403);
    }

    private HttpResponse<String> send(String method, String path, IssuedApiKey key, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + key.token());
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
