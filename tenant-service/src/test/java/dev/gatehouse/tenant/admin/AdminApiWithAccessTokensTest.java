package dev.gatehouse.tenant.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.problem.ProblemExceptionHandler;
import dev.gatehouse.tenant.ApiKeyAuthenticator;
import dev.gatehouse.tenant.ApiKeyScopes;
import dev.gatehouse.tenant.IssuedApiKey;
import dev.gatehouse.tenant.Role;
import dev.gatehouse.tenant.Tenant;
import dev.gatehouse.tenant.TenantDatabase;
import dev.gatehouse.tenant.TenantDirectory;
import dev.gatehouse.tenant.TenantLifecycle;
import dev.gatehouse.tenant.TenantSettings;
import dev.gatehouse.tenant.identity.BearerAuthenticator;
import dev.gatehouse.tenant.identity.IdentityProviderSettings;
import dev.gatehouse.tenant.identity.JwtAuthenticator;
import dev.gatehouse.tenant.keycloak.KeycloakDirectory;
import dev.gatehouse.tenant.keycloak.KeycloakTestServer;
import dev.gatehouse.tenant.keycloak.KeycloakTokens;
import dev.gatehouse.tenant.keycloak.MachineClient;
import dev.gatehouse.testing.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.server.HandlerStrategies;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The admin API with Keycloak as identity provider: access tokens obey the same role and tenant
 * rules as API keys, tenants are provisioned on creation, and tenant admins manage members and
 * machine clients of their own tenant only.
 */
class AdminApiWithAccessTokensTest {

    private static final String REALM = "gatehouse-admin-test";
    private static KeycloakDirectory keycloak;

    private TenantDatabase database;
    private ApiKeyAuthenticator apiKeys;
    private WebTestClient client;
    private IssuedApiKey platformAdmin;
    private Tenant acme;
    private Tenant globex;
    private String acmeAdminToken;

    @BeforeAll
    static void connect() {
        keycloak = KeycloakDirectory.connect(KeycloakTestServer.settings(REALM));
    }

    @AfterAll
    static void close() {
        keycloak.close();
    }

    @BeforeEach
    void twoProvisionedTenants() {
        database = TenantDatabase.migrate(TestPostgres.freshDatabase());
        TenantLifecycle lifecycle = new TenantLifecycle(database, List.of(keycloak), List.of(keycloak));
        acme = lifecycle.create(unique("acme"), "Acme", TenantSettings.DEFAULTS);
        globex = lifecycle.create(unique("globex"), "Globex", TenantSettings.DEFAULTS);
        Tenant operator = lifecycle.create(unique("operator"), "Operator", TenantSettings.DEFAULTS);
        platformAdmin = database.apiKeys().create(operator.id(), "root", Set.of(Role.PLATFORM_ADMIN, Role.TENANT_ADMIN), null);
        apiKeys = new ApiKeyAuthenticator(database.apiKeys(), Clock.systemUTC());
        TenantDirectory directory = new TenantDirectory(database.tenants());
        JwtAuthenticator tokens = JwtAuthenticator.forIssuer(IdentityProviderSettings.keycloak(KeycloakTestServer.url(), REALM, "gatehouse"), directory);
        client = WebTestClient.bindToRouterFunction(new TenantAdminApi(database, directory, lifecycle, apiKeys,
                        BearerAuthenticator.apiKeysAndJwts(apiKeys, tokens), Optional.of(keycloak), Clock.systemUTC()).routes())
                .handlerStrategies(HandlerStrategies.builder().exceptionHandler(new ProblemExceptionHandler(exchange -> null)).build())
                .configureClient().responseTimeout(Duration.ofSeconds(30))
                .build();
        acmeAdminToken = token(acme, "admin", Role.TENANT_ADMIN, Role.DEVELOPER);
    }

    @Test
    void tenantAdminTokenManagesOwnKeysOnly() {
        post("/admin/v1/tenants/" + acme.slug() + "/api-keys", acmeAdminToken, "{\"name\":\"from a token\"}").expectStatus().isCreated();
        get("/admin/v1/tenants/" + acme.slug() + "/api-keys", acmeAdminToken).expectStatus().isOk();
        get("/admin/v1/tenants/" + acme.slug(), acmeAdminToken).expectStatus().isOk();

        get("/admin/v1/tenants/" + globex.slug(), acmeAdminToken).expectStatus().isNotFound();
        get("/admin/v1/tenants/" + globex.slug() + "/api-keys", acmeAdminToken).expectStatus().isNotFound();
        post("/admin/v1/tenants/" + globex.slug() + "/api-keys", acmeAdminToken, "{\"name\":\"x\"}").expectStatus().isNotFound();
        get("/admin/v1/tenants/" + globex.slug() + "/members", acmeAdminToken).expectStatus().isNotFound();
        post("/admin/v1/tenants/" + globex.slug() + "/members", acmeAdminToken, "{\"email\":\"spy@example.com\"}").expectStatus().isNotFound();
        post("/admin/v1/tenants/" + globex.slug() + "/clients", acmeAdminToken, "{\"name\":\"spy\"}").expectStatus().isNotFound();
        post("/admin/v1/tenants", acmeAdminToken, "{\"slug\":\"" + unique("new") + "\",\"display_name\":\"x\"}").expectStatus().isForbidden();
    }

    @Test
    void developerAndAuditorTokensCannotAdminister() {
        for (Role role : List.of(Role.DEVELOPER, Role.AUDITOR)) {
            String token = token(acme, role.code() + "-only", role);
            get("/admin/v1/tenants/" + acme.slug() + "/api-keys", token).expectStatus().isForbidden();
            get("/admin/v1/tenants/" + acme.slug() + "/members", token).expectStatus().isForbidden();
            post("/admin/v1/tenants/" + acme.slug() + "/members", token, "{\"email\":\"x@example.com\"}").expectStatus().isForbidden();
        }
    }

    @Test
    void tenantAdminAddsMembersWithRolesTheyHold() {
        String email = "new-" + UUID.randomUUID() + "@example.com";

        post("/admin/v1/tenants/" + acme.slug() + "/members", acmeAdminToken, "{\"email\":\"" + email + "\",\"roles\":[\"developer\"]}")
                .expectStatus().isCreated()
                .expectBody().jsonPath("$.roles[0]").isEqualTo("developer");
        get("/admin/v1/tenants/" + acme.slug() + "/members", acmeAdminToken).expectStatus().isOk()
                .expectBody().jsonPath("$.data[?(@.email == '" + email + "')].roles[0]").isEqualTo("developer");
        post("/admin/v1/tenants/" + acme.slug() + "/members", acmeAdminToken, "{\"email\":\"" + email + "\"}").expectStatus().isEqualTo(409);
        post("/admin/v1/tenants/" + acme.slug() + "/members", acmeAdminToken, "{\"email\":\"boss@example.com\",\"roles\":[\"auditor\"]}")
                .expectStatus().isForbidden();
        post("/admin/v1/tenants/" + acme.slug() + "/members", acmeAdminToken, "{\"email\":\"not an email\"}").expectStatus().isBadRequest();
    }

    @Test
    void tenantAdminGrantsPublisherToMembersAndClientsOnlyWhenItHoldsIt() {
        String publishingAdminToken = token(acme, "publishing-admin", Role.TENANT_ADMIN, Role.PUBLISHER);

        post("/admin/v1/tenants/" + acme.slug() + "/members", acmeAdminToken,
                "{\"email\":\"" + UUID.randomUUID() + "@example.com\",\"roles\":[\"publisher\"]}").expectStatus().isForbidden();
        post("/admin/v1/tenants/" + acme.slug() + "/clients", acmeAdminToken, "{\"name\":\"catalog-bot\",\"roles\":[\"publisher\"]}")
                .expectStatus().isForbidden();
        post("/admin/v1/tenants/" + acme.slug() + "/clients", publishingAdminToken, "{\"name\":\"catalog-bot\",\"roles\":[\"publisher\"]}")
                .expectStatus().isCreated()
                .expectBody().jsonPath("$.roles[0]").isEqualTo("publisher");
    }

    @Test
    void modelScopedAdminKeyCannotAddMembersOrClientsWhoseTokensAreUnrestricted() {
        IssuedApiKey scopedAdmin = database.apiKeys().create(acme.id(), "scoped admin", Set.of(Role.TENANT_ADMIN, Role.DEVELOPER),
                new ApiKeyScopes(Set.of("chat-simulator"), null), null);
        apiKeys.refresh();

        post("/admin/v1/tenants/" + acme.slug() + "/members", scopedAdmin.token(), "{\"email\":\"" + UUID.randomUUID() + "@example.com\"}")
                .expectStatus().isForbidden()
                .expectBody().jsonPath("$.error.param").isEqualTo("allowed_models");
        post("/admin/v1/tenants/" + acme.slug() + "/clients", scopedAdmin.token(), "{\"name\":\"escape\"}").expectStatus().isForbidden();
        get("/admin/v1/tenants/" + acme.slug() + "/members", scopedAdmin.token()).expectStatus().isOk();
    }

    @Test
    void endpointScopedKeyCannotReachTheMemberEndpoints() {
        IssuedApiKey modelsLister = database.apiKeys().create(acme.id(), "models lister", Set.of(Role.TENANT_ADMIN, Role.DEVELOPER),
                new ApiKeyScopes(null, Set.of("/v1/models")), null);
        apiKeys.refresh();

        get("/admin/v1/tenants/" + acme.slug() + "/members", modelsLister.token()).expectStatus().isForbidden();
        post("/admin/v1/tenants/" + acme.slug() + "/clients", modelsLister.token(), "{\"name\":\"escape\"}").expectStatus().isForbidden();
    }

    @Test
    void tenantAdminCreatesMachineClientsWhoseTokensWork() {
        byte[] body = post("/admin/v1/tenants/" + acme.slug() + "/clients", acmeAdminToken, "{\"name\":\"nightly\",\"roles\":[\"developer\"]}")
                .expectStatus().isCreated()
                .expectBody().returnResult().getResponseBody();
        JsonNode created = readJson(body);

        String token = KeycloakTokens.clientCredentials(REALM, new MachineClient(created.get("client_id").asText(), Set.of(Role.DEVELOPER),
                created.get("client_secret").asText()));
        assertThat(KeycloakTokens.claims(token).get("gatehouse_tenant").asText()).isEqualTo(acme.slug());
        post("/admin/v1/tenants/" + acme.slug() + "/clients", acmeAdminToken, "{\"name\":\"Nightly Jobs!\"}").expectStatus().isBadRequest();
        post("/admin/v1/tenants/" + acme.slug() + "/clients", acmeAdminToken, "{\"name\":\"root\",\"roles\":[\"platform-admin\"]}").expectStatus().isForbidden();
    }

    @Test
    void tokensOfASuspendedTenantAreRefusedAndCreationProvisionsKeycloak() {
        String slug = unique("initech");
        post("/admin/v1/tenants", platformAdmin.token(), "{\"slug\":\"" + slug + "\",\"display_name\":\"Initech\"}").expectStatus().isCreated();
        Tenant initech = database.tenants().findBySlug(slug).orElseThrow();
        String initechAdmin = token(initech, "admin", Role.TENANT_ADMIN);
        get("/admin/v1/tenants/" + slug, initechAdmin).expectStatus().isOk();

        client.post().uri("/admin/v1/tenants/" + slug + "/suspend").header("Authorization", "Bearer " + platformAdmin.token()).exchange()
                .expectStatus().isOk();

        get("/admin/v1/tenants/" + slug, initechAdmin).expectStatus().isForbidden()
                .expectBody().jsonPath("$.error.code").isEqualTo("tenant_suspended");
    }

    @Test
    void deletingATenantErasesItFromKeycloak() {
        MachineClient machine = keycloak.createMachineClient(globex, "soon-gone", Set.of(Role.DEVELOPER));

        client.delete().uri("/admin/v1/tenants/" + globex.slug()).header("Authorization", "Bearer " + platformAdmin.token()).exchange()
                .expectStatus().isNoContent();

        assertThat(KeycloakTokens.requestClientCredentials(REALM, machine.clientId(), machine.secret()).statusCode()).isEqualTo(401);
    }

    @Test
    void invalidTokensAre401() {
        get("/admin/v1/tenants/" + acme.slug(), acmeAdminToken.substring(0, acmeAdminToken.length() - 4) + "AAAA").expectStatus().isUnauthorized()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
    }

    private String token(Tenant tenant, String name, Role... roles) {
        return KeycloakTokens.clientCredentials(REALM, keycloak.createMachineClient(tenant, name, Set.of(roles)));
    }

    private static JsonNode readJson(byte[] body) {
        try {
            return AdminRequests.JSON.readTree(body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private WebTestClient.ResponseSpec get(String path, String bearer) {
        return client.get().uri(path).header("Authorization", "Bearer " + bearer).exchange();
    }

    private WebTestClient.ResponseSpec post(String path, String bearer, String json) {
        return client.post().uri(path).header("Authorization", "Bearer " + bearer).contentType(MediaType.APPLICATION_JSON).bodyValue(json).exchange();
    }
}
