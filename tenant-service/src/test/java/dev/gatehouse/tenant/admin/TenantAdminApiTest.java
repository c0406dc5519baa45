package dev.gatehouse.tenant.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.problem.ProblemExceptionHandler;
import dev.gatehouse.tenant.ApiKeyAuthenticator;
import dev.gatehouse.tenant.ApiKeyPrincipal;
import dev.gatehouse.tenant.ApiKeyScopes;
import dev.gatehouse.tenant.ApiKeyVerification;
import dev.gatehouse.tenant.IssuedApiKey;
import dev.gatehouse.tenant.Role;
import dev.gatehouse.tenant.Tenant;
import dev.gatehouse.tenant.TenantDatabase;
import dev.gatehouse.tenant.TenantDirectory;
import dev.gatehouse.tenant.TenantLifecycle;
import dev.gatehouse.tenant.compliance.ComplianceProfiles;
import dev.gatehouse.tenant.identity.BearerAuthenticator;
import dev.gatehouse.testing.TestPostgres;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.server.HandlerStrategies;

import javax.sql.DataSource;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** The admin API with API-key callers; identity-provider callers are covered against a real Keycloak elsewhere. */
class TenantAdminApiTest {

    private TenantDatabase database;
    private ApiKeyAuthenticator authenticator;
    private TenantDirectory directory;
    private final List<Tenant> erased = new CopyOnWriteArrayList<>();
    private WebTestClient client;
    private Tenant acme;
    private Tenant globex;
    private IssuedApiKey platformAdmin;
    private IssuedApiKey acmeAdmin;
    private IssuedApiKey acmeDeveloper;

    @BeforeEach
    void twoTenants() {
        DataSource dataSource = TestPostgres.freshDatabase();
        database = TenantDatabase.migrate(dataSource);
        acme = database.tenants().create("acme", "Acme");
        globex = database.tenants().create("globex", "Globex");
        platformAdmin = database.apiKeys().create(acme.id(), "root", Set.of(Role.PLATFORM_ADMIN), null);
        acmeAdmin = database.apiKeys().create(acme.id(), "admin", Set.of(Role.TENANT_ADMIN, Role.DEVELOPER), null);
        acmeDeveloper = database.apiKeys().create(acme.id(), "dev", Set.of(Role.DEVELOPER), null);
        authenticator = new ApiKeyAuthenticator(database.apiKeys(), Clock.systemUTC());
        directory = new TenantDirectory(database.tenants());
        TenantLifecycle lifecycle = new TenantLifecycle(database, List.of(), List.of(erased::add));
        BearerAuthenticator callers = BearerAuthenticator.apiKeysOnly(authenticator);
        client = WebTestClient.bindToRouterFunction(new TenantAdminApi(database, directory, lifecycle, authenticator,
                        callers, java.util.Optional.empty(), Clock.systemUTC()).routes()
                        .and(new ComplianceAdminApi(database, callers, new ComplianceProfiles(dataSource)).routes()))
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
        post("/admin/v1/tenants/acme/api-keys", acmeAdmin, "{\"name\":\"x\",\"roles\":[\"developer\",1E+2147483648]}").expectStatus().isBadRequest()
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

    @Test
    void createsTenantWithSettingsAndReadsThemBack() {
        post("/admin/v1/tenants", platformAdmin, """
                {"slug":"initech","display_name":"Initech","plan":{"requests_per_minute":120,"tokens_per_minute":50000,"monthly_budget_usd":250.50},
                 "residency_regions":["eu-west"],"allowed_purposes":["customer_support"],"content_logging":true,"retention_days":30}""")
                .expectStatus().isCreated();

        get("/admin/v1/tenants/initech", platformAdmin).expectStatus().isOk().expectBody()
                .jsonPath("$.status").isEqualTo("active")
                .jsonPath("$.plan.requests_per_minute").isEqualTo(120)
                .jsonPath("$.plan.tokens_per_minute").isEqualTo(50000)
                .jsonPath("$.plan.monthly_budget_usd").isEqualTo(250.5)
                .jsonPath("$.residency_regions[0]").isEqualTo("eu-west")
                .jsonPath("$.allowed_purposes[0]").isEqualTo("customer_support")
                .jsonPath("$.content_logging").isEqualTo(true)
                .jsonPath("$.retention_days").isEqualTo(30);
    }

    @Test
    void newTenantsProcessInTheEuAndLogNoContentByDefault() {
        post("/admin/v1/tenants", platformAdmin, "{\"slug\":\"initech\",\"display_name\":\"Initech\"}").expectStatus().isCreated()
                .expectBody()
                .jsonPath("$.residency_regions.length()").isEqualTo(2)
                .jsonPath("$.content_logging").isEqualTo(false)
                .jsonPath("$.plan.monthly_budget_usd").isEmpty();
    }

    @Test
    void refusesUnknownRegionsPurposesAndInconsistentLogging() {
        createTenant("{\"residency_regions\":[\"eu-wset\"]}").expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.param").isEqualTo("residency_regions");
        createTenant("{\"residency_regions\":[]}").expectStatus().isBadRequest();
        createTenant("{\"residency_regions\":[\"EU-WEST\"]}").expectStatus().isBadRequest();
        createTenant("{\"allowed_purposes\":[\"Customer Support\"]}").expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.param").isEqualTo("allowed_purposes");
        createTenant("{\"content_logging\":true}").expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.param").isEqualTo("retention_days");
        createTenant("{\"retention_days\":3651}").expectStatus().isBadRequest();
        createTenant("{\"plan\":{\"requests_per_minute\":0}}").expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.param").isEqualTo("plan.requests_per_minute");
        createTenant("{\"plan\":{\"monthly_budget_usd\":-1}}").expectStatus().isBadRequest();
        createTenant("{\"plan\":{\"monthly_budget_usd\":1.001}}").expectStatus().isBadRequest();
        createTenant("{\"plan\":{\"burst\":5}}").expectStatus().isBadRequest().expectBody().jsonPath("$.error.param").isEqualTo("plan.burst");
    }

    @Test
    void refusesWrongJsonTypesNamingTheField() {
        createTenant("{\"residency_regions\":\"eu-west\"}").expectStatus().isBadRequest().expectBody().jsonPath("$.error.param").isEqualTo("residency_regions");
        createTenant("{\"residency_regions\":[1]}").expectStatus().isBadRequest();
        createTenant("{\"content_logging\":\"yes\"}").expectStatus().isBadRequest().expectBody().jsonPath("$.error.param").isEqualTo("content_logging");
        createTenant("{\"retention_days\":1.5}").expectStatus().isBadRequest().expectBody().jsonPath("$.error.param").isEqualTo("retention_days");
        createTenant("{\"plan\":[]}").expectStatus().isBadRequest().expectBody().jsonPath("$.error.param").isEqualTo("plan");
        createTenant("{\"plan\":{\"tokens_per_minute\":\"many\"}}").expectStatus().isBadRequest();
        createTenant("{\"plan\":{\"monthly_budget_usd\":\"100\"}}").expectStatus().isBadRequest();
        createTenant("{\"status\":\"suspended\"}").expectStatus().isBadRequest().expectBody().jsonPath("$.error.param").isEqualTo("status");
        post("/admin/v1/tenants/acme/api-keys", acmeAdmin, "{\"name\":[\"x\"]}").expectStatus().isBadRequest();
        post("/admin/v1/tenants/acme/api-keys", acmeAdmin, "{\"name\":\"x\",\"roles\":[7]}").expectStatus().isBadRequest();
        post("/admin/v1/tenants/acme/api-keys", acmeAdmin, "{\"name\":\"x\",\"allowed_models\":\"chat\"}").expectStatus().isBadRequest();
        post("/admin/v1/tenants/acme/api-keys", acmeAdmin, "{\"name\":\"x\",\"allowed_models\":[]}").expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.param").isEqualTo("allowed_models");
        post("/admin/v1/tenants/acme/api-keys", acmeAdmin, "{\"name\":\"x\",\"allowed_endpoints\":[\"chat\"]}").expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.param").isEqualTo("allowed_endpoints");
    }

    @Test
    void refusesUnicodeTricksInNames() {
        createTenant("{\"display_name\":\"evil\\u202Egnp.exe\"}").expectStatus().isBadRequest();
        createTenant("{\"display_name\":\"half \\ud83d surrogate\"}").expectStatus().isBadRequest();
        createTenant("{\"display_name\":\"   \"}").expectStatus().isBadRequest();
        post("/admin/v1/tenants", platformAdmin, "{\"slug\":\"zürich\",\"display_name\":\"Zürich\"}").expectStatus().isBadRequest();
        post("/admin/v1/tenants", platformAdmin, "{\"slug\":\"zurich\",\"display_name\":\"Zürich 株式会社\"}").expectStatus().isCreated()
                .expectBody().jsonPath("$.display_name").isEqualTo("Zürich 株式会社");
    }

    @Test
    void listsTenantsInPagesInSlugOrder() {
        for (String slug : List.of("delta", "bravo", "echo", "charlie")) {
            post("/admin/v1/tenants", platformAdmin, "{\"slug\":\"" + slug + "\",\"display_name\":\"" + slug + "\"}").expectStatus().isCreated();
        }

        get("/admin/v1/tenants?limit=3", platformAdmin).expectStatus().isOk().expectBody()
                .jsonPath("$.data[*].slug").isEqualTo(List.of("acme", "bravo", "charlie"))
                .jsonPath("$.has_more").isEqualTo(true)
                .jsonPath("$.next_after").isEqualTo("charlie");
        get("/admin/v1/tenants?limit=3&after=charlie", platformAdmin).expectStatus().isOk().expectBody()
                .jsonPath("$.data[*].slug").isEqualTo(List.of("delta", "echo", "globex"))
                .jsonPath("$.has_more").isEqualTo(false);
        get("/admin/v1/tenants?limit=0", platformAdmin).expectStatus().isBadRequest();
        get("/admin/v1/tenants?limit=abc", platformAdmin).expectStatus().isBadRequest();
    }

    @Test
    void listParametersThatCannotBeACursorOrALimitAre400NamingTheParameter() {
        for (IssuedApiKey caller : List.of(platformAdmin, acmeAdmin)) {
            for (String after : List.of("%00", "acme%00", "", "ACME", "a%27%20OR%201=1", "x".repeat(64))) {
                get("/admin/v1/tenants?after=" + after, caller).expectStatus().isBadRequest().expectBody()
                        .jsonPath("$.error.code").isEqualTo("invalid_request")
                        .jsonPath("$.error.param").isEqualTo("after");
            }
        }
        get("/admin/v1/tenants?limit=%00", platformAdmin).expectStatus().isBadRequest().expectBody().jsonPath("$.error.param").isEqualTo("limit");
        get("/admin/v1/tenants?limit=1&limit=200", platformAdmin).expectStatus().isBadRequest().expectBody().jsonPath("$.error.param").isEqualTo("limit");
        get("/admin/v1/tenants?offset=10", platformAdmin).expectStatus().isBadRequest().expectBody().jsonPath("$.error.param").isEqualTo("offset");
        get("/admin/v1/tenants?%00=1", platformAdmin).expectStatus().isBadRequest().expectBody().jsonPath("$.error.param").isEqualTo("parameter");
    }

    @Test
    void pathSegmentsThatCannotNameATenantOrKeyAre404BeforeAnyLookup() {
        String keyPath = "/admin/v1/tenants/acme/api-keys/";
        for (String segment : List.of("%00", "k%00aaaaaaaaaaaaaaa", "kaaaaaaaaaaaaaaa1", "KAAAAAAAAAAAAAAAA", "x".repeat(300))) {
            get(keyPath + segment, acmeAdmin).expectStatus().isNotFound().expectBody().jsonPath("$.error.code").isEqualTo("not_found");
            delete(keyPath + segment, acmeAdmin).expectStatus().isNotFound();
            post(keyPath + segment + "/rotate", acmeAdmin, "{}").expectStatus().isNotFound();
            get("/admin/v1/tenants/" + segment, platformAdmin).expectStatus().isNotFound();
            get("/admin/v1/tenants/" + segment + "/compliance", platformAdmin).expectStatus().isNotFound();
            put("/admin/v1/tenants/" + segment + "/compliance", platformAdmin, "{}").expectStatus().isNotFound();
        }
    }

    @Test
    void tenantAdminListsOnlyTheirOwnTenant() {
        get("/admin/v1/tenants", acmeAdmin).expectStatus().isOk().expectBody()
                .jsonPath("$.data.length()").isEqualTo(1)
                .jsonPath("$.data[0].slug").isEqualTo("acme");
    }

    @Test
    void tenantAdminUpdatesOwnSettingsButNotThePlan() {
        patch("/admin/v1/tenants/acme", acmeAdmin, "{\"display_name\":\"Acme Europe\",\"residency_regions\":[\"eu-central\"]}")
                .expectStatus().isOk().expectBody()
                .jsonPath("$.display_name").isEqualTo("Acme Europe")
                .jsonPath("$.residency_regions[0]").isEqualTo("eu-central")
                .jsonPath("$.plan.requests_per_minute").isEqualTo(600);
        patch("/admin/v1/tenants/acme", acmeAdmin, "{\"plan\":{\"requests_per_minute\":100000}}").expectStatus().isForbidden();
        patch("/admin/v1/tenants/acme", platformAdmin, "{\"plan\":{\"requests_per_minute\":100000}}").expectStatus().isOk()
                .expectBody().jsonPath("$.plan.requests_per_minute").isEqualTo(100000).jsonPath("$.display_name").isEqualTo("Acme Europe");
        patch("/admin/v1/tenants/acme", acmeAdmin, "{\"slug\":\"renamed\"}").expectStatus().isBadRequest();
    }

    @Test
    void suspendedTenantsKeysStopAndResumeRestoresThem() {
        client.post().uri("/admin/v1/tenants/globex/suspend").header("Authorization", bearer(platformAdmin)).exchange()
                .expectStatus().isOk().expectBody().jsonPath("$.status").isEqualTo("suspended");
        IssuedApiKey globexKey = database.apiKeys().create(globex.id(), "theirs", Set.of(Role.TENANT_ADMIN), null);
        authenticator.refresh();
        get("/admin/v1/tenants/globex", globexKey).expectStatus().isForbidden()
                .expectBody().jsonPath("$.error.code").isEqualTo("tenant_suspended");

        client.post().uri("/admin/v1/tenants/globex/resume").header("Authorization", bearer(platformAdmin)).exchange()
                .expectStatus().isOk().expectBody().jsonPath("$.status").isEqualTo("active");
        authenticator.refresh();
        get("/admin/v1/tenants/globex", globexKey).expectStatus().isOk();
        assertThat(directory.find(globex.id()).orElseThrow().active()).isTrue();
    }

    @Test
    void onlyPlatformAdminsSuspendResumeAndDelete() {
        client.post().uri("/admin/v1/tenants/acme/suspend").header("Authorization", bearer(acmeAdmin)).exchange().expectStatus().isForbidden();
        client.post().uri("/admin/v1/tenants/acme/resume").header("Authorization", bearer(acmeAdmin)).exchange().expectStatus().isForbidden();
        client.delete().uri("/admin/v1/tenants/acme").header("Authorization", bearer(acmeAdmin)).exchange().expectStatus().isForbidden();
        assertThat(erased).isEmpty();
    }

    @Test
    void platformAdminCannotLockThemselvesOut() {
        client.post().uri("/admin/v1/tenants/acme/suspend").header("Authorization", bearer(platformAdmin)).exchange().expectStatus().isEqualTo(409);
        client.delete().uri("/admin/v1/tenants/acme").header("Authorization", bearer(platformAdmin)).exchange().expectStatus().isEqualTo(409);
    }

    @Test
    void deletingATenantErasesItsKeysAndCallsTheErasureListeners() {
        IssuedApiKey globexKey = database.apiKeys().create(globex.id(), "theirs", Set.of(Role.DEVELOPER), null);
        authenticator.refresh();

        client.delete().uri("/admin/v1/tenants/globex").header("Authorization", bearer(platformAdmin)).exchange().expectStatus().isNoContent();

        assertThat(erased).extracting(Tenant::slug).containsExactly("globex");
        assertThat(database.tenants().findBySlug("globex")).isEmpty();
        assertThat(database.apiKeys().find(globexKey.keyId())).isEmpty();
        assertThat(directory.find(globex.id())).isEmpty();
        ApiKeyAuthenticator otherInstance = new ApiKeyAuthenticator(database.apiKeys(), Clock.systemUTC());
        assertThat(otherInstance.verify(globexKey.token())).isEqualTo(new ApiKeyVerification.Refused(ApiKeyVerification.Reason.INVALID));
        authenticator.refresh();
        assertThat(authenticator.verify(globexKey.token())).isEqualTo(new ApiKeyVerification.Refused(ApiKeyVerification.Reason.INVALID));
        get("/admin/v1/tenants/globex", platformAdmin).expectStatus().isNotFound();
    }

    @Test
    void tenantAdminCannotReachAnotherTenantThroughAnyEndpoint() {
        IssuedApiKey globexKey = database.apiKeys().create(globex.id(), "theirs", Set.of(Role.DEVELOPER), null);
        String keyPath = "/admin/v1/tenants/globex/api-keys/" + globexKey.keyId();

        get("/admin/v1/tenants/globex", acmeAdmin).expectStatus().isNotFound();
        patch("/admin/v1/tenants/globex", acmeAdmin, "{\"display_name\":\"pwned\"}").expectStatus().isNotFound();
        client.post().uri("/admin/v1/tenants/globex/suspend").header("Authorization", bearer(acmeAdmin)).exchange().expectStatus().isNotFound();
        client.post().uri("/admin/v1/tenants/globex/resume").header("Authorization", bearer(acmeAdmin)).exchange().expectStatus().isNotFound();
        client.delete().uri("/admin/v1/tenants/globex").header("Authorization", bearer(acmeAdmin)).exchange().expectStatus().isNotFound();
        get("/admin/v1/tenants/globex/api-keys", acmeAdmin).expectStatus().isNotFound();
        get(keyPath, acmeAdmin).expectStatus().isNotFound();
        post(keyPath + "/rotate", acmeAdmin, "{}").expectStatus().isNotFound();
        client.delete().uri(keyPath).header("Authorization", bearer(acmeAdmin)).exchange().expectStatus().isNotFound();
        get("/admin/v1/tenants/acme/api-keys/" + globexKey.keyId(), acmeAdmin).expectStatus().isNotFound();
        post("/admin/v1/tenants/acme/api-keys/" + globexKey.keyId() + "/rotate", acmeAdmin, "{}").expectStatus().isNotFound();

        assertThat(database.tenants().findBySlug("globex").orElseThrow().displayName()).isEqualTo("Globex");
        assertThat(database.apiKeys().find(globexKey.keyId()).orElseThrow().usableAt(java.time.Instant.now())).isTrue();
    }

    @Test
    void scopedKeyCarriesItsScopesToThePrincipal() {
        String keyId = post("/admin/v1/tenants/acme/api-keys", acmeAdmin, """
                {"name":"embedder","allowed_models":["all-minilm-l6-v2"],"allowed_endpoints":["/v1/embeddings"]}""")
                .expectStatus().isCreated()
                .expectBody(com.fasterxml.jackson.databind.JsonNode.class).returnResult().getResponseBody().get("key_id").asText();

        var summary = database.apiKeys().find(keyId).orElseThrow();
        assertThat(summary.scopes().allowsModel("all-minilm-l6-v2")).isTrue();
        assertThat(summary.scopes().allowsModel("chat-simulator")).isFalse();
        assertThat(summary.scopes().allowsEndpoint("/v1/chat/completions")).isFalse();
        get("/admin/v1/tenants/acme/api-keys/" + keyId, acmeAdmin).expectStatus().isOk().expectBody()
                .jsonPath("$.allowed_endpoints[0]").isEqualTo("/v1/embeddings")
                .jsonPath("$.token").doesNotExist();
    }

    @Test
    void aKeyCarriesRateLimitsOfItsOwnThroughRotationAndKeysItMintsCannotBeFaster() {
        JsonNode issued = post("/admin/v1/tenants/acme/api-keys", acmeAdmin, """
                {"name":"slow admin","roles":["tenant-admin","developer"],"requests_per_minute":20,"tokens_per_minute":5000}""")
                .expectStatus().isCreated().expectBody(JsonNode.class).returnResult().getResponseBody();
        assertThat(issued.get("requests_per_minute").asLong()).isEqualTo(20);
        ApiKeyScopes scopes = principal(issued.get("token").asText()).scopes();
        assertThat(scopes.requestsPerMinute()).isEqualTo(20);
        assertThat(scopes.tokensPerMinute()).isEqualTo(5000);

        IssuedApiKey slowAdmin = new IssuedApiKey(issued.get("key_id").asText(), acme.id(), "slow admin",
                Set.of(Role.TENANT_ADMIN, Role.DEVELOPER), scopes, null, issued.get("token").asText());
        post("/admin/v1/tenants/acme/api-keys", slowAdmin, "{\"name\":\"faster\",\"requests_per_minute\":21}")
                .expectStatus().isForbidden().expectBody().jsonPath("$.error.param").isEqualTo("requests_per_minute");
        post("/admin/v1/tenants/acme/api-keys", slowAdmin, "{\"name\":\"inherits\"}")
                .expectStatus().isCreated().expectBody().jsonPath("$.requests_per_minute").isEqualTo(20);
        post("/admin/v1/tenants/acme/api-keys", acmeAdmin, "{\"name\":\"x\",\"tokens_per_minute\":0}")
                .expectStatus().isBadRequest().expectBody().jsonPath("$.error.param").isEqualTo("tokens_per_minute");

        String rotated = post("/admin/v1/tenants/acme/api-keys/" + issued.get("key_id").asText() + "/rotate", acmeAdmin, "{}")
                .expectStatus().isCreated().expectBody(JsonNode.class).returnResult().getResponseBody().get("token").asText();
        assertThat(principal(rotated).scopes().tokensPerMinute()).isEqualTo(5000);
    }

    @Test
    void rotationIssuesANewKeyAndTheOldOneExpiresAfterTheOverlap() {
        var rotated = post("/admin/v1/tenants/acme/api-keys/" + acmeDeveloper.keyId() + "/rotate", acmeAdmin, "{\"overlap_seconds\":3600}")
                .expectStatus().isCreated()
                .expectBody(com.fasterxml.jackson.databind.JsonNode.class).returnResult().getResponseBody();

        String newToken = rotated.get("token").asText();
        assertThat(rotated.get("replaces").asText()).isEqualTo(acmeDeveloper.keyId());
        assertThat(authenticator.verify(newToken)).isInstanceOf(ApiKeyVerification.Accepted.class);
        assertThat(authenticator.verify(acmeDeveloper.token())).isInstanceOf(ApiKeyVerification.Accepted.class);
        ApiKeyAuthenticator anHourLater = new ApiKeyAuthenticator(database.apiKeys(),
                Clock.offset(Clock.systemUTC(), java.time.Duration.ofMinutes(61)));
        assertThat(anHourLater.verify(acmeDeveloper.token())).isEqualTo(new ApiKeyVerification.Refused(ApiKeyVerification.Reason.EXPIRED));
        assertThat(anHourLater.verify(newToken)).isInstanceOf(ApiKeyVerification.Accepted.class);
        get("/admin/v1/tenants/acme/api-keys/" + acmeDeveloper.keyId(), acmeAdmin).expectBody()
                .jsonPath("$.replaced_by").isEqualTo(rotated.get("key_id").asText());
        post("/admin/v1/tenants/acme/api-keys/" + acmeDeveloper.keyId() + "/rotate", acmeAdmin, "{}").expectStatus().isEqualTo(409);
    }

    @Test
    void rotationWithoutOverlapEndsTheOldKeyAtOnce() {
        post("/admin/v1/tenants/acme/api-keys/" + acmeDeveloper.keyId() + "/rotate", acmeAdmin, "{\"overlap_seconds\":0}").expectStatus().isCreated();

        assertThat(authenticator.verify(acmeDeveloper.token())).isEqualTo(new ApiKeyVerification.Refused(ApiKeyVerification.Reason.EXPIRED));
        post("/admin/v1/tenants/acme/api-keys/" + acmeAdmin.keyId() + "/rotate", acmeAdmin, "{\"overlap_seconds\":-1}").expectStatus().isBadRequest();
    }

    @Test
    void revokedKeysCannotBeRotatedOrRevokedTwice() {
        client.delete().uri("/admin/v1/tenants/acme/api-keys/" + acmeDeveloper.keyId()).header("Authorization", bearer(acmeAdmin)).exchange()
                .expectStatus().isNoContent();

        post("/admin/v1/tenants/acme/api-keys/" + acmeDeveloper.keyId() + "/rotate", acmeAdmin, "{}").expectStatus().isEqualTo(409);
        client.delete().uri("/admin/v1/tenants/acme/api-keys/" + acmeDeveloper.keyId()).header("Authorization", bearer(acmeAdmin)).exchange()
                .expectStatus().isNotFound();
    }

    @Test
    void tenantAdminCannotRotateAKeyWithRolesTheyDoNotHold() {
        post("/admin/v1/tenants/acme/api-keys/" + platformAdmin.keyId() + "/rotate", acmeAdmin, "{}").expectStatus().isForbidden();
    }

    @Test
    void tenantAdminGrantsPublisherOnlyWhenItHoldsIt() {
        IssuedApiKey publishingAdmin = key("publishing admin", Set.of(Role.TENANT_ADMIN, Role.PUBLISHER), null, null);

        post("/admin/v1/tenants/acme/api-keys", acmeAdmin, "{\"name\":\"x\",\"roles\":[\"publisher\"]}").expectStatus().isForbidden()
                .expectBody().jsonPath("$.error.param").isEqualTo("roles");
        post("/admin/v1/tenants/acme/api-keys", publishingAdmin, "{\"name\":\"catalog bot\",\"roles\":[\"publisher\"]}").expectStatus().isCreated()
                .expectBody().jsonPath("$.roles[0]").isEqualTo("publisher");
    }

    @Test
    void keysOfAModelScopedAdminInheritItsModelsWhenTheRequestNamesNone() {
        IssuedApiKey scopedAdmin = key("scoped admin", Set.of(Role.TENANT_ADMIN, Role.DEVELOPER), Set.of("chat-simulator", "all-minilm-l6-v2"), null);

        for (String body : List.of("{\"name\":\"absent\"}", "{\"name\":\"null\",\"allowed_models\":null}")) {
            JsonNode issued = post("/admin/v1/tenants/acme/api-keys", scopedAdmin, body).expectStatus().isCreated()
                    .expectBody(JsonNode.class).returnResult().getResponseBody();

            assertThat(issued.get("allowed_models")).hasToString("[\"all-minilm-l6-v2\",\"chat-simulator\"]");
            assertThat(principal(issued.get("token").asText()).scopes().allowsModel("gpt-4o")).isFalse();
        }
        post("/admin/v1/tenants/acme/api-keys", scopedAdmin, "{\"name\":\"narrower\",\"allowed_models\":[\"chat-simulator\"]}")
                .expectStatus().isCreated()
                .expectBody().jsonPath("$.allowed_models").isEqualTo(List.of("chat-simulator"));
    }

    @Test
    void modelScopedAdminCannotGrantModelsBeyondItsOwn() {
        IssuedApiKey scopedAdmin = key("scoped admin", Set.of(Role.TENANT_ADMIN, Role.DEVELOPER), Set.of("chat-simulator"), null);
        int keysBefore = database.apiKeys().listForTenant(acme.id()).size();

        post("/admin/v1/tenants/acme/api-keys", scopedAdmin, "{\"name\":\"wider\",\"allowed_models\":[\"chat-simulator\",\"gpt-4o\"]}")
                .expectStatus().isForbidden().expectBody()
                .jsonPath("$.error.code").isEqualTo("forbidden")
                .jsonPath("$.error.param").isEqualTo("allowed_models");

        assertThat(database.apiKeys().listForTenant(acme.id())).hasSize(keysBefore);
    }

    @Test
    void endpointScopedKeysCannotUseAnyAdminRouteFamily() {
        IssuedApiKey modelsLister = key("models lister", Set.of(Role.TENANT_ADMIN, Role.DEVELOPER), null, Set.of("/v1/models"));
        IssuedApiKey scopedPlatformAdmin = key("scoped root", Set.of(Role.PLATFORM_ADMIN), null, Set.of("/v1/models"));

        for (IssuedApiKey caller : List.of(modelsLister, scopedPlatformAdmin)) {
            List.of(get("/admin/v1/tenants", caller),
                    get("/admin/v1/tenants/acme", caller),
                    patch("/admin/v1/tenants/acme", caller, "{\"display_name\":\"x\"}"),
                    get("/admin/v1/tenants/acme/api-keys", caller),
                    post("/admin/v1/tenants/acme/api-keys", caller, "{\"name\":\"x\"}"),
                    get("/admin/v1/tenants/acme/api-keys/" + acmeDeveloper.keyId(), caller),
                    delete("/admin/v1/tenants/acme/api-keys/" + acmeDeveloper.keyId(), caller),
                    get("/admin/v1/tenants/acme/compliance", caller),
                    put("/admin/v1/tenants/acme/compliance", caller, "{}"))
                    .forEach(answer -> answer.expectStatus().isForbidden().expectBody().jsonPath("$.error.code").isEqualTo("forbidden"));
        }
        assertThat(authenticator.verify(acmeDeveloper.token())).isInstanceOf(ApiKeyVerification.Accepted.class);
    }

    @Test
    void tenantAdminCannotRevokeOrRotateThePlatformAdminKeysOfItsOwnTenant() {
        Tenant defaultTenant = database.tenants().create("default", "Default tenant");
        IssuedApiKey bootstrapKey = database.apiKeys().create(defaultTenant.id(), "bootstrap",
                Set.of(Role.PLATFORM_ADMIN, Role.TENANT_ADMIN, Role.DEVELOPER), null);
        IssuedApiKey defaultAdmin = database.apiKeys().create(defaultTenant.id(), "admin", Set.of(Role.TENANT_ADMIN, Role.DEVELOPER), null);
        authenticator.refresh();

        assertCannotRevokeOrRotate("default", defaultAdmin, bootstrapKey);
        assertCannotRevokeOrRotate("acme", acmeAdmin, platformAdmin);

        get("/admin/v1/tenants/globex", bootstrapKey).expectStatus().isOk();
        get("/admin/v1/tenants/globex", platformAdmin).expectStatus().isOk();
    }

    @Test
    void modelScopedAdminCannotRevokeOrRotateABroaderKeyButManagesKeysWithinItsModels() {
        IssuedApiKey scopedAdmin = key("scoped admin", Set.of(Role.TENANT_ADMIN, Role.DEVELOPER), Set.of("chat-simulator"), null);
        IssuedApiKey chatKey = key("chat", Set.of(Role.DEVELOPER), Set.of("chat-simulator"), null);

        assertCannotRevokeOrRotate("acme", scopedAdmin, acmeDeveloper);

        String successor = post("/admin/v1/tenants/acme/api-keys/" + chatKey.keyId() + "/rotate", scopedAdmin, "{}").expectStatus().isCreated()
                .expectBody(JsonNode.class).returnResult().getResponseBody().get("key_id").asText();
        delete("/admin/v1/tenants/acme/api-keys/" + successor, scopedAdmin).expectStatus().isNoContent();
    }

    @Test
    void rotationWithoutAnExpiryKeepsTheOldKeysExpiry() {
        Instant inAWeek = Instant.now().plus(Duration.ofDays(7)).truncatedTo(ChronoUnit.SECONDS);
        IssuedApiKey expiring = database.apiKeys().create(acme.id(), "temporary", Set.of(Role.DEVELOPER), inAWeek);
        IssuedApiKey alsoExpiring = database.apiKeys().create(acme.id(), "temporary too", Set.of(Role.DEVELOPER), inAWeek);
        authenticator.refresh();

        Map.of("{}", expiring, "{\"expires_at\":null}", alsoExpiring).forEach((body, old) -> {
            JsonNode rotated = post("/admin/v1/tenants/acme/api-keys/" + old.keyId() + "/rotate", acmeAdmin, body).expectStatus().isCreated()
                    .expectBody(JsonNode.class).returnResult().getResponseBody();

            assertThat(rotated.get("expires_at").asText()).isEqualTo(inAWeek.toString());
            ApiKeyAuthenticator inEightDays = new ApiKeyAuthenticator(database.apiKeys(), Clock.offset(Clock.systemUTC(), Duration.ofDays(8)));
            assertThat(inEightDays.verify(rotated.get("token").asText()))
                    .isEqualTo(new ApiKeyVerification.Refused(ApiKeyVerification.Reason.EXPIRED));
        });
    }

    @Test
    void rotationCannotExtendAKeysExpiryButMayShortenIt() {
        Instant inAWeek = Instant.now().plus(Duration.ofDays(7)).truncatedTo(ChronoUnit.SECONDS);
        IssuedApiKey expiring = database.apiKeys().create(acme.id(), "temporary", Set.of(Role.DEVELOPER), inAWeek);
        authenticator.refresh();
        String rotate = "/admin/v1/tenants/acme/api-keys/" + expiring.keyId() + "/rotate";

        post(rotate, acmeAdmin, "{\"expires_at\":\"" + inAWeek.plus(Duration.ofDays(1)) + "\"}").expectStatus().isBadRequest().expectBody()
                .jsonPath("$.error.code").isEqualTo("invalid_request")
                .jsonPath("$.error.param").isEqualTo("expires_at")
                .jsonPath("$.detail").value(String.class, detail -> assertThat(detail).contains("not be later").contains(inAWeek.toString()));
        assertThat(database.apiKeys().find(expiring.keyId()).orElseThrow().replacedBy()).isNull();

        Instant tomorrow = Instant.now().plus(Duration.ofDays(1)).truncatedTo(ChronoUnit.SECONDS);
        post(rotate, acmeAdmin, "{\"expires_at\":\"" + tomorrow + "\"}").expectStatus().isCreated()
                .expectBody().jsonPath("$.expires_at").isEqualTo(tomorrow.toString());
    }

    @Test
    void rotationKeepsTheOldKeysScopes() {
        IssuedApiKey embedder = key("embedder", Set.of(Role.DEVELOPER), Set.of("all-minilm-l6-v2"), Set.of("/v1/embeddings"));

        JsonNode rotated = post("/admin/v1/tenants/acme/api-keys/" + embedder.keyId() + "/rotate", acmeAdmin, "{}").expectStatus().isCreated()
                .expectBody(JsonNode.class).returnResult().getResponseBody();

        assertThat(rotated.get("allowed_models")).hasToString("[\"all-minilm-l6-v2\"]");
        assertThat(rotated.get("allowed_endpoints")).hasToString("[\"/v1/embeddings\"]");
        assertThat(principal(rotated.get("token").asText()).scopes()).isEqualTo(embedder.scopes());
        assertThat(database.apiKeys().find(rotated.get("key_id").asText()).orElseThrow().scopes()).isEqualTo(embedder.scopes());
    }

    @Test
    void concurrentKeyCreationYieldsDistinctWorkingKeys() throws Exception {
        int parallel = 16;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            List<java.util.concurrent.Future<String>> tokens = new java.util.ArrayList<>();
            for (int i = 0; i < parallel; i++) {
                int n = i;
                tokens.add(pool.submit(() -> post("/admin/v1/tenants/acme/api-keys", acmeAdmin, "{\"name\":\"parallel " + n + "\"}")
                        .expectStatus().isCreated()
                        .expectBody(com.fasterxml.jackson.databind.JsonNode.class).returnResult().getResponseBody().get("token").asText()));
            }
            Set<String> distinct = new java.util.HashSet<>();
            for (java.util.concurrent.Future<String> token : tokens) {
                distinct.add(token.get());
            }
            assertThat(distinct).hasSize(parallel);
            assertThat(distinct).allSatisfy(token -> assertThat(authenticator.verify(token)).isInstanceOf(ApiKeyVerification.Accepted.class));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void concurrentRotationsOfOneKeyYieldOneSuccessor() throws Exception {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<Integer>> statuses = new java.util.ArrayList<>();
            for (int i = 0; i < 8; i++) {
                statuses.add(pool.submit(() -> post("/admin/v1/tenants/acme/api-keys/" + acmeDeveloper.keyId() + "/rotate", acmeAdmin, "{}")
                        .returnResult(String.class).getStatus().value()));
            }
            List<Integer> codes = new java.util.ArrayList<>();
            for (java.util.concurrent.Future<Integer> status : statuses) {
                codes.add(status.get());
            }
            assertThat(codes).containsOnly(201, 409).filteredOn(code -> code == 201).hasSize(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void duplicateSlugsDifferingOnlyByCaseAreRefused() {
        post("/admin/v1/tenants", platformAdmin, "{\"slug\":\"ACME\",\"display_name\":\"Acme again\"}").expectStatus().isBadRequest();
        post("/admin/v1/tenants", platformAdmin, "{\"slug\":\"acme\",\"display_name\":\"Acme again\"}").expectStatus().isEqualTo(409);
    }

    @Test
    void auditorAndDeveloperKeysCannotUseAnyAdminEndpoint() {
        IssuedApiKey auditor = database.apiKeys().create(acme.id(), "audit", Set.of(Role.AUDITOR), null);
        authenticator.refresh();
        for (IssuedApiKey caller : List.of(auditor, acmeDeveloper)) {
            get("/admin/v1/tenants", caller).expectStatus().isForbidden();
            get("/admin/v1/tenants/acme", caller).expectStatus().isForbidden();
            patch("/admin/v1/tenants/acme", caller, "{\"display_name\":\"x\"}").expectStatus().isForbidden();
            post("/admin/v1/tenants/acme/api-keys", caller, "{\"name\":\"x\"}").expectStatus().isForbidden();
            get("/admin/v1/tenants/acme/api-keys/" + acmeAdmin.keyId(), caller).expectStatus().isForbidden();
            post("/admin/v1/tenants/acme/api-keys/" + acmeAdmin.keyId() + "/rotate", caller, "{}").expectStatus().isForbidden();
            client.delete().uri("/admin/v1/tenants/acme/api-keys/" + acmeAdmin.keyId()).header("Authorization", bearer(caller)).exchange()
                    .expectStatus().isForbidden();
        }
    }

    @Test
    void servesItsOpenApiDescriptionWithoutCredentials() {
        client.get().uri(TenantAdminApi.OPENAPI_PATH).exchange().expectStatus().isOk()
                .expectBody(String.class).value(yaml -> assertThat(yaml).startsWith("openapi: 3.1.0").contains("/admin/v1/tenants/{slug}/api-keys/{keyId}/rotate"));
    }

    private WebTestClient.ResponseSpec createTenant(String settingsJson) {
        String body = settingsJson.replaceFirst("\\{", "{\"slug\":\"new-co\",\"display_name\":\"New Co\",");
        if (settingsJson.contains("\"display_name\"")) {
            body = settingsJson.replaceFirst("\\{", "{\"slug\":\"new-co\",");
        }
        return post("/admin/v1/tenants", platformAdmin, body);
    }

    /** Paths as written, percent-escapes included: hostile input reaches the API undoubled. */
    private WebTestClient.ResponseSpec get(String path, IssuedApiKey caller) {
        return client.get().uri(URI.create(path)).header("Authorization", bearer(caller)).exchange();
    }

    private WebTestClient.ResponseSpec patch(String path, IssuedApiKey caller, String json) {
        return client.patch().uri(URI.create(path)).header("Authorization", bearer(caller)).contentType(MediaType.APPLICATION_JSON).bodyValue(json).exchange();
    }

    private WebTestClient.ResponseSpec put(String path, IssuedApiKey caller, String json) {
        return client.put().uri(URI.create(path)).header("Authorization", bearer(caller)).contentType(MediaType.APPLICATION_JSON).bodyValue(json).exchange();
    }

    private WebTestClient.ResponseSpec delete(String path, IssuedApiKey caller) {
        return client.delete().uri(URI.create(path)).header("Authorization", bearer(caller)).exchange();
    }

    private void assertCannotRevokeOrRotate(String slug, IssuedApiKey caller, IssuedApiKey target) {
        String keyPath = "/admin/v1/tenants/" + slug + "/api-keys/" + target.keyId();

        delete(keyPath, caller).expectStatus().isForbidden().expectBody().jsonPath("$.error.code").isEqualTo("forbidden");
        post(keyPath + "/rotate", caller, "{}").expectStatus().isForbidden().expectBody().jsonPath("$.error.code").isEqualTo("forbidden");

        assertThat(authenticator.verify(target.token())).isInstanceOf(ApiKeyVerification.Accepted.class);
        assertThat(database.apiKeys().find(target.keyId()).orElseThrow().replacedBy()).isNull();
    }

    /** An acme key made directly in the database and known to the authenticator at once. */
    private IssuedApiKey key(String name, Set<Role> roles, Set<String> allowedModels, Set<String> allowedEndpoints) {
        IssuedApiKey key = database.apiKeys().create(acme.id(), name, roles, new ApiKeyScopes(allowedModels, allowedEndpoints), null);
        authenticator.refresh();
        return key;
    }

    private ApiKeyPrincipal principal(String token) {
        ApiKeyVerification verification = authenticator.verify(token);
        assertThat(verification).isInstanceOf(ApiKeyVerification.Accepted.class);
        return ((ApiKeyVerification.Accepted) verification).principal();
    }

    private WebTestClient.ResponseSpec post(String path, IssuedApiKey caller, String json) {
        return client.post().uri(URI.create(path)).header("Authorization", bearer(caller)).contentType(MediaType.APPLICATION_JSON).bodyValue(json).exchange();
    }

    private static String bearer(IssuedApiKey key) {
        return "Bearer " + key.token();
    }
}
