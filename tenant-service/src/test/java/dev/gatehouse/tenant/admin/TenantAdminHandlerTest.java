package dev.gatehouse.tenant.admin;

import dev.gatehouse.problem.ProblemExceptionHandler;
import dev.gatehouse.tenant.ApiKeyAuthenticator;
import dev.gatehouse.tenant.ApiKeyVerification;
import dev.gatehouse.tenant.IssuedApiKey;
import dev.gatehouse.tenant.Role;
import dev.gatehouse.tenant.Tenant;
import dev.gatehouse.tenant.TenantDatabase;
import dev.gatehouse.testing.TestPostgres;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.server.HandlerStrategies;

import java.time.Clock;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class TenantAdminHandlerTest {

    private TenantDatabase database;
    private ApiKeyAuthenticator authenticator;
    private WebTestClient client;
    private Tenant acme;
    private Tenant globex;
    private IssuedApiKey platformAdmin;
    private IssuedApiKey acmeAdmin;
    private IssuedApiKey acmeDeveloper;

    @BeforeEach
    void twoTenants() {
        database = TenantDatabase.migrate(TestPostgres.freshDatabase());
        acme = database.tenants().create("acme", "Acme");
        globex = database.tenants().create("globex", "Globex");
        platformAdmin = database.apiKeys().create(acme.id(), "root", Set.of(Role.PLATFORM_ADMIN), null);
        acmeAdmin = database.apiKeys().create(acme.id(), "admin", Set.of(Role.TENANT_ADMIN, Role.DEVELOPER), null);
        acmeDeveloper = database.apiKeys().create(acme.id(), "dev", Set.of(Role.DEVELOPER), null);
        authenticator = new ApiKeyAuthenticator(database.apiKeys(), Clock.systemUTC());
        client = WebTestClient.bindToRouterFunction(new TenantAdminHandler(database, authenticator).routes())
                .handlerStrategies(HandlerStrategies.builder().exceptionHandler(new ProblemExceptionHandler(exchange -> null)).build())
                .build();
    }

    @Test
    void tenantAdminMintsDeveloperKeyShownOnceThatWorksImmediately() {
        String token = post("/admin/v1/tenants/acme/api-keys", acmeAdmin, "{\"name\":\"laptop\",\"roles\":[\"developer\"]}")
                .expectStatus().isCreated()
                .expectBody().jsonPath("$.token").value(String.class, value -> assertThat(value).startsWith("gatehouse_"))
                .returnResult().getResponseBodyContent() == null ? null : "minted";

        assertThat(token).isEqualTo("minted");
        client.get().uri("/admin/v1/tenants/acme/api-keys").header("Authorization", bearer(acmeAdmin)).exchange()
                .expectStatus().isOk()
                .expectBody(String.class).value(body -> assertThat(body).contains("laptop").doesNotContain("gatehouse_"));
    }

    @Test
    void tenantAdminCannotSeeOrTouchAnotherTenant() {
        IssuedApiKey globexKey = database.apiKeys().create(globex.id(), "theirs", Set.of(Role.DEVELOPER), null);

        client.get().uri("/admin/v1/tenants/globex/api-keys").header("Authorization", bearer(acmeAdmin)).exchange()
                .expectStatus().isNotFound();
        post("/admin/v1/tenants/globex/api-keys", acmeAdmin, "{\"name\":\"sneaky\"}").expectStatus().isNotFound();
        client.delete().uri("/admin/v1/tenants/acme/api-keys/" + globexKey.keyId()).header("Authorization", bearer(acmeAdmin)).exchange()
                .expectStatus().isNotFound();
        authenticator.refresh();
        assertThat(authenticator.verify(globexKey.token())).isInstanceOf(ApiKeyVerification.Accepted.class);
    }

    @Test
    void unknownAndForeignTenantsLookAlike() {
        String foreign = new String(client.get().uri("/admin/v1/tenants/globex/api-keys").header("Authorization", bearer(acmeAdmin))
                .exchange().expectBody().returnResult().getResponseBodyContent());
        String unknown = new String(client.get().uri("/admin/v1/tenants/nobody/api-keys").header("Authorization", bearer(acmeAdmin))
                .exchange().expectBody().returnResult().getResponseBodyContent());

        assertThat(foreign).isEqualTo(unknown);
    }

    @Test
    void nobodyGrantsARoleTheyDoNotHold() {
        post("/admin/v1/tenants/acme/api-keys", acmeAdmin, "{\"name\":\"x\",\"roles\":[\"platform-admin\"]}")
                .expectStatus().isForbidden();
        post("/admin/v1/tenants/acme/api-keys", acmeAdmin, "{\"name\":\"x\",\"roles\":[\"auditor\"]}")
                .expectStatus().isForbidden();
    }

    @Test
    void developerCannotUseTheAdminApi() {
        client.get().uri("/admin/v1/tenants/acme/api-keys").header("Authorization", bearer(acmeDeveloper)).exchange()
                .expectStatus().isForbidden()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
    }

    @Test
    void revokedKeyStopsWorking() {
        client.delete().uri("/admin/v1/tenants/acme/api-keys/" + acmeDeveloper.keyId()).header("Authorization", bearer(acmeAdmin)).exchange()
                .expectStatus().isNoContent();

        assertThat(authenticator.verify(acmeDeveloper.token()))
                .isEqualTo(new ApiKeyVerification.Refused(ApiKeyVerification.Reason.REVOKED));
    }

    @Test
    void onlyPlatformAdminCreatesTenantsAndSlugsAreUnique() {
        post("/admin/v1/tenants", acmeAdmin, "{\"slug\":\"initech\",\"display_name\":\"Initech\"}").expectStatus().isForbidden();
        post("/admin/v1/tenants", platformAdmin, "{\"slug\":\"initech\",\"display_name\":\"Initech\"}").expectStatus().isCreated();
        post("/admin/v1/tenants", platformAdmin, "{\"slug\":\"initech\",\"display_name\":\"Initech again\"}").expectStatus().isEqualTo(409);
    }

    @Test
    void refusesMalformedInputPrecisely() {
        post("/admin/v1/tenants", platformAdmin, "{\"slug\":\"Has Spaces\",\"display_name\":\"x\"}").expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.param").isEqualTo("slug");
        post("/admin/v1/tenants", platformAdmin, "{\"slug\":\"ok-slug\",\"display_name\":\"" + "n".repeat(201) + "\"}")
                .expectStatus().isBadRequest();
        post("/admin/v1/tenants", platformAdmin, "{\"slug\":\"ok-slug\",\"display_name\":\"bell\\u0007\"}").expectStatus().isBadRequest();
        post("/admin/v1/tenants", platformAdmin, "{\"slug\":42,\"display_name\":\"x\"}").expectStatus().isBadRequest();
        post("/admin/v1/tenants", platformAdmin, "{not json").expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.code").isEqualTo("malformed_json");
        post("/admin/v1/tenants/acme/api-keys", acmeAdmin, "{\"name\":\"x\",\"roles\":[\"wizard\"]}").expectStatus().isBadRequest();
        post("/admin/v1/tenants/acme/api-keys", acmeAdmin, "{\"name\":\"x\",\"expires_at\":\"tomorrow\"}").expectStatus().isBadRequest();
        post("/admin/v1/tenants/acme/api-keys", acmeAdmin, "{\"name\":\"x\",\"expires_at\":\"2000-01-01T00:00:00Z\"}").expectStatus().isBadRequest();
    }

    @Test
    void acceptsUnicodeNamesCountedInCodePoints() {
        post("/admin/v1/tenants", platformAdmin, "{\"slug\":\"emoji-co\",\"display_name\":\"" + "😀".repeat(200) + "\"}")
                .expectStatus().isCreated();
    }

    @Test
    void missingOrInvalidCredentialsAre401() {
        client.get().uri("/admin/v1/tenants/acme/api-keys").exchange().expectStatus().isUnauthorized();
        client.get().uri("/admin/v1/tenants/acme/api-keys").header("Authorization", "Bearer nonsense").exchange().expectStatus().isUnauthorized();
    }

    private WebTestClient.ResponseSpec post(String path, IssuedApiKey caller, String json) {
        return client.post().uri(path).header("Authorization", bearer(caller)).contentType(MediaType.APPLICATION_JSON).bodyValue(json).exchange();
    }

    private static String bearer(IssuedApiKey key) {
        return "Bearer " + key.token();
    }
}
