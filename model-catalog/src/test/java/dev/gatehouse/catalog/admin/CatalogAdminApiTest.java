package dev.gatehouse.catalog.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.catalog.BackendHealthReport;
import dev.gatehouse.catalog.CachedModelCatalog;
import dev.gatehouse.catalog.CatalogRepository;
import dev.gatehouse.catalog.TestBackendUrls;
import dev.gatehouse.catalog.TestSecrets;
import dev.gatehouse.problem.ProblemExceptionHandler;
import dev.gatehouse.tenant.ApiKeyAuthenticator;
import dev.gatehouse.tenant.IssuedApiKey;
import dev.gatehouse.tenant.Role;
import dev.gatehouse.tenant.Tenant;
import dev.gatehouse.tenant.TenantDatabase;
import dev.gatehouse.tenant.admin.AdminAccess;
import dev.gatehouse.tenant.identity.BearerAuthenticator;
import dev.gatehouse.testing.TestPostgres;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.server.HandlerStrategies;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import javax.sql.DataSource;

import static org.assertj.core.api.Assertions.assertThat;

/** The catalog API's answers to malformed, hostile and out-of-range requests: precise 4xx problems, never a 500. */
class CatalogAdminApiTest {

    private static final String MODEL = """
            {"id":"acme-llm","kind":"chat","display_name":"Acme LLM","description":"A helpful model for contracts",
             "model_card":"# Acme LLM\\n\\nGood at *contract law*.","license":"apache-2.0","context_length":32768,
             "pricing":{"input_per_million_tokens":0.5,"output_per_million_tokens":1.5},"certifications":["gdpr-ready"]}""";

    private WebTestClient client;
    private IssuedApiKey publisher;

    @BeforeEach
    void publisherTenant() {
        DataSource dataSource = TestPostgres.freshDatabase();
        TenantDatabase tenants = TenantDatabase.migrate(dataSource);
        CatalogRepository repository = CatalogRepository.migrate(dataSource, TestSecrets.inTemporaryKeystore());
        Tenant acme = tenants.tenants().create("acme", "Acme");
        publisher = tenants.apiKeys().create(acme.id(), "publisher", Set.of(Role.PUBLISHER, Role.DEVELOPER), null);
        ApiKeyAuthenticator keys = new ApiKeyAuthenticator(tenants.apiKeys(), Clock.systemUTC());
        CatalogAdminApi api = new CatalogAdminApi(repository, new CachedModelCatalog(repository),
                new AdminAccess(BearerAuthenticator.apiKeysOnly(keys), tenants), tenants, TestBackendUrls.everyHostPublic(),
                backend -> new BackendHealthReport("ejected", 3, backend.capacity().maxConcurrentRequests(), 0.25, 8, 41.5,
                        Instant.parse("2026-12-01T12:00:00Z"), null, null, 2.0, 0.5), Clock.systemUTC());
        client = WebTestClient.bindToRouterFunction(api.routes())
                .handlerStrategies(HandlerStrategies.builder().exceptionHandler(new ProblemExceptionHandler(exchange -> null)).build())
                .build();
    }

    @Test
    void createsAModelAndAnswersThePublishersView() {
        post("/admin/v1/catalog/models", MODEL).expectStatus().isCreated()
                .expectBody()
                .jsonPath("$.owner_tenant").isEqualTo("acme")
                .jsonPath("$.publisher").isEqualTo("Acme")
                .jsonPath("$.pricing.input_per_million_tokens").isEqualTo("0.5")
                .jsonPath("$.price_history.length()").isEqualTo(1)
                .jsonPath("$.visibility").isEqualTo("public");
        post("/admin/v1/catalog/models", MODEL).expectStatus().isEqualTo(409);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "unknown field                | \"colour\":\"blue\"                                               | colour",
            "negative price               | \"pricing\":{\"input_per_million_tokens\":-1,\"output_per_million_tokens\":1} | pricing.input_per_million_tokens",
            "seven decimals               | \"pricing\":{\"input_per_million_tokens\":0.0000001,\"output_per_million_tokens\":1} | pricing.input_per_million_tokens",
            "price as an object           | \"pricing\":{\"input_per_million_tokens\":{},\"output_per_million_tokens\":1} | pricing.input_per_million_tokens",
            "unknown pricing field        | \"pricing\":{\"input_per_million_tokens\":1,\"output_per_million_tokens\":1,\"discount\":5} | pricing.discount",
            "currency not ISO 4217        | \"pricing\":{\"input_per_million_tokens\":1,\"output_per_million_tokens\":1,\"currency\":\"euro\"} | pricing.currency",
            "price effective in the past  | \"pricing\":{\"input_per_million_tokens\":1,\"output_per_million_tokens\":1,\"effective_from\":\"2020-01-01T00:00:00Z\"} | pricing.effective_from",
            "deprecated without sunset    | \"status\":\"deprecated\"                                         | sunset_at",
            "sunset without deprecation   | \"sunset_at\":\"2030-01-01T00:00:00Z\"                           | sunset_at",
            "unknown status               | \"status\":\"beta\"                                               | status",
            "shared with nobody           | \"visibility\":\"shared\"                                         | shared_with",
            "shared with an unknown slug  | \"visibility\":\"shared\",\"shared_with\":[\"nobody-here\"]        | shared_with",
            "unknown special category     | \"special_categories\":[\"astrology\"]                            | special_categories",
            "zero retention that retains  | \"zero_retention\":true,\"data_retention_days\":30                 | data_retention_days",
            "context length zero          | \"context_length\":0                                              | context_length",
            "control character in a name  | \"display_name\":\"Acme\\u0000LLM\"                               | display_name",
            "pricing null                 | \"pricing\":null                                                | pricing",
            "owner set by a publisher     | \"owner_tenant\":\"acme\"                                         | ''",
            "fallback that does not exist | \"fallback_models\":[\"nowhere-llm\"]                          | fallback_models",
            "fallback to itself           | \"fallback_models\":[\"acme-llm\"]                             | fallback_models",
            "fallback named twice         | \"fallback_models\":[\"other-llm\",\"other-llm\"]               | fallback_models",
            "fallback not a model id      | \"fallback_models\":[\"../etc\"]                               | fallback_models",
            "fallbacks not a list         | \"fallback_models\":\"other-llm\"                              | fallback_models",
            "too many fallbacks           | \"fallback_models\":[\"a\",\"b\",\"c\",\"d\",\"e\"]                | fallback_models",
    })
    void refusesAnInvalidModelNamingTheField(String rule, String change, String field) {
        String body = MODEL.substring(0, MODEL.lastIndexOf('}')) + "," + change + "}";
        String json = post("/admin/v1/catalog/models", body.replace("\"pricing\":{\"input_per_million_tokens\":0.5,\"output_per_million_tokens\":1.5},",
                        change.contains("\"pricing\"") ? "" : "\"pricing\":{\"input_per_million_tokens\":0.5,\"output_per_million_tokens\":1.5},"))
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody(String.class).returnResult().getResponseBody();
        assertThat(json).as(rule).contains(field.isEmpty() ? "\"code\":\"forbidden\"" : "\"param\":\"" + field + "\"");
    }

    @Test
    void keepsFallbacksInOrderAndRefusesOnesOfAnotherKindOrThatLeadBackToTheModel() {
        post("/admin/v1/catalog/models", MODEL.replace("acme-llm", "small-llm")).expectStatus().isCreated();
        post("/admin/v1/catalog/models", MODEL.replace("acme-llm", "medium-llm")).expectStatus().isCreated();
        post("/admin/v1/catalog/models", MODEL.replace("acme-llm", "acme-embedder").replace("\"kind\":\"chat\"", "\"kind\":\"embeddings\""))
                .expectStatus().isCreated();
        String withFallbacks = MODEL.substring(0, MODEL.lastIndexOf('}')) + ",\"fallback_models\":[\"medium-llm\",\"small-llm\"]}";

        post("/admin/v1/catalog/models", withFallbacks).expectStatus().isCreated()
                .expectBody().jsonPath("$.fallback_models").isEqualTo(List.of("medium-llm", "small-llm"));
        patch("/admin/v1/catalog/models/small-llm", "{\"fallback_models\":[\"acme-llm\"]}").expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.param").isEqualTo("fallback_models")
                .jsonPath("$.error.message").value(message -> assertThat((String) message).contains("small-llm -> acme-llm -> small-llm"));
        patch("/admin/v1/catalog/models/small-llm", "{\"fallback_models\":[\"acme-embedder\"]}").expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.message").value(message -> assertThat((String) message).contains("embeddings"));
        patch("/admin/v1/catalog/models/acme-llm", "{\"fallback_models\":null}").expectStatus().isOk()
                .expectBody().jsonPath("$.fallback_models.length()").isEqualTo(0);
    }

    @Test
    void aDeletedFallbackLeavesTheFallbacksOfOtherModels() {
        post("/admin/v1/catalog/models", MODEL.replace("acme-llm", "small-llm")).expectStatus().isCreated();
        post("/admin/v1/catalog/models", MODEL.substring(0, MODEL.lastIndexOf('}')) + ",\"fallback_models\":[\"small-llm\"]}").expectStatus().isCreated();

        client.delete().uri("/admin/v1/catalog/models/small-llm").header("Authorization", "Bearer " + publisher.token()).exchange()
                .expectStatus().isNoContent();

        client.get().uri("/admin/v1/catalog/models/acme-llm").header("Authorization", "Bearer " + publisher.token()).exchange()
                .expectStatus().isOk().expectBody().jsonPath("$.fallback_models.length()").isEqualTo(0);
    }

    @Test
    void refusesBodiesThatAreNotAJsonObjectOfReasonableSize() {
        post("/admin/v1/catalog/models", "{\"id\":").expectStatus().isBadRequest().expectBody().jsonPath("$.error.code").isEqualTo("malformed_json");
        post("/admin/v1/catalog/models", "[1,2]").expectStatus().isBadRequest();
        client.post().uri("/admin/v1/catalog/models").header("Authorization", "Bearer " + publisher.token())
                .contentType(MediaType.TEXT_PLAIN).bodyValue(MODEL).exchange().expectStatus().isEqualTo(415);
        String hugeCard = MODEL.replace("Good at *contract law*.", "x".repeat(300 * 1024));
        post("/admin/v1/catalog/models", hugeCard).expectStatus().isEqualTo(413);
        client.post().uri("/admin/v1/catalog/models").contentType(MediaType.APPLICATION_JSON).bodyValue(MODEL).exchange()
                .expectStatus().isUnauthorized();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "unknown region        | {\"base_url\":\"https://gpu.example.com/v1\",\"upstream_model\":\"m\",\"region\":\"mars-north\"} | region",
            "not a URL             | {\"base_url\":\"https://exa mple.com/v1\",\"upstream_model\":\"m\",\"region\":\"eu-west\"} | base_url",
            "not http              | {\"base_url\":\"file:///etc/passwd\",\"upstream_model\":\"m\",\"region\":\"eu-west\"} | base_url",
            "no upstream model     | {\"base_url\":\"https://gpu.example.com/v1\",\"region\":\"eu-west\"} | upstream_model",
            "zero concurrency      | {\"base_url\":\"https://gpu.example.com/v1\",\"upstream_model\":\"m\",\"region\":\"eu-west\",\"max_concurrent_requests\":0} | max_concurrent_requests",
            "credential type       | {\"base_url\":\"https://gpu.example.com/v1\",\"upstream_model\":\"m\",\"region\":\"eu-west\",\"credential\":{\"type\":\"basic\",\"token\":\"t\"}} | credential.type",
            "credential with space | {\"base_url\":\"https://gpu.example.com/v1\",\"upstream_model\":\"m\",\"region\":\"eu-west\",\"credential\":{\"type\":\"bearer\",\"token\":\"a b\"}} | credential",
            "header for bearer     | {\"base_url\":\"https://gpu.example.com/v1\",\"upstream_model\":\"m\",\"region\":\"eu-west\",\"credential\":{\"type\":\"bearer\",\"token\":\"t\",\"header\":\"x\"}} | credential.header",
            "bad CA                | {\"base_url\":\"https://gpu.example.com/v1\",\"upstream_model\":\"m\",\"region\":\"eu-west\",\"tls\":{\"ca_certificate_pem\":\"not a pem\"}} | tls.ca_certificate_pem",
            "TLS over http         | {\"base_url\":\"http://gpu.example.com/v1\",\"upstream_model\":\"m\",\"region\":\"eu-west\",\"tls\":{\"client_certificate_pem\":\"x\"}} | tls",
            "weight null           | {\"base_url\":\"https://gpu.example.com/v1\",\"upstream_model\":\"m\",\"region\":\"eu-west\",\"weight\":null} | weight",
            "region null           | {\"base_url\":\"https://gpu.example.com/v1\",\"upstream_model\":\"m\",\"region\":null} | region",
            "flag not a boolean    | {\"base_url\":\"https://gpu.example.com/v1\",\"upstream_model\":\"m\",\"region\":\"eu-west\",\"serves_responses_api\":\"yes\"} | serves_responses_api",
            "own id                | {\"id\":\"mine\",\"base_url\":\"https://gpu.example.com/v1\",\"upstream_model\":\"m\",\"region\":\"eu-west\"} | id",
    })
    void refusesAnInvalidBackendNamingTheField(String rule, String body, String field) {
        post("/admin/v1/catalog/models", MODEL).expectStatus().isCreated();

        String json = post("/admin/v1/catalog/models/acme-llm/backends", body).expectStatus().isBadRequest()
                .expectBody(String.class).returnResult().getResponseBody();

        assertThat(json).as(rule).contains("\"param\":\"" + field + "\"");
    }

    @Test
    void neverAnswersABackendsCredentialAndCanRemoveIt() {
        post("/admin/v1/catalog/models", MODEL).expectStatus().isCreated();
        String created = post("/admin/v1/catalog/models/acme-llm/backends", """
                {"base_url":"https://gpu.example.com/v1","upstream_model":"m","region":"eu-west",
                 "credential":{"type":"api_key","header":"x-api-key","key":"sk-upstream-42"}}""")
                .expectStatus().isCreated().expectBody(String.class).returnResult().getResponseBody();
        assertThat(created).doesNotContain("sk-upstream-42").contains("\"configured\":true").contains("\"header\":\"x-api-key\"");
        String backend = created.replaceAll("(?s).*\"id\":\"(bk-[0-9a-f]+)\".*", "$1");

        String listed = client.get().uri("/admin/v1/catalog/models/acme-llm/backends").header("Authorization", "Bearer " + publisher.token())
                .exchange().expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
        assertThat(listed).doesNotContain("sk-upstream-42");
        String patched = client.patch().uri("/admin/v1/catalog/models/acme-llm/backends/" + backend)
                .header("Authorization", "Bearer " + publisher.token()).contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"credential\":null,\"weight\":5}").exchange().expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();
        assertThat(patched).contains("\"credential\":null").contains("\"weight\":5");
    }

    @Test
    void aBackendDeclaresThatItServesTheResponsesApiAndCanStopSaying() {
        post("/admin/v1/catalog/models", MODEL).expectStatus().isCreated();
        String created = post("/admin/v1/catalog/models/acme-llm/backends", """
                {"base_url":"https://gpu.example.com/v1","upstream_model":"m","region":"eu-west","serves_responses_api":true}""")
                .expectStatus().isCreated().expectBody(String.class).returnResult().getResponseBody();
        assertThat(created).contains("\"serves_responses_api\":true");
        String backend = created.replaceAll("(?s).*\"id\":\"(bk-[0-9a-f]+)\".*", "$1");

        String patched = client.patch().uri("/admin/v1/catalog/models/acme-llm/backends/" + backend)
                .header("Authorization", "Bearer " + publisher.token()).contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"serves_responses_api\":false}").exchange().expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();

        assertThat(patched).contains("\"serves_responses_api\":false");
    }

    @Test
    void listsEachBackendWithItsHealthAsTheGatewayOfThisProcessSeesIt() throws Exception {
        post("/admin/v1/catalog/models", MODEL).expectStatus().isCreated();
        post("/admin/v1/catalog/models/acme-llm/backends", """
                {"base_url":"https://gpu.example.com/v1","upstream_model":"m","region":"eu-west","max_concurrent_requests":4}""")
                .expectStatus().isCreated();

        String listed = client.get().uri("/admin/v1/catalog/models/acme-llm/backends").header("Authorization", "Bearer " + publisher.token())
                .exchange().expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();

        JsonNode health = new ObjectMapper().readTree(listed).at("/data/0/health");
        assertThat(health.path("state").asText()).isEqualTo("ejected");
        assertThat(health.path("in_flight").asInt()).isEqualTo(3);
        assertThat(health.path("max_concurrent_requests").asInt()).isEqualTo(4);
        assertThat(health.path("recent_error_rate").asDouble()).isEqualTo(0.25);
        assertThat(health.path("mean_time_to_first_byte_ms").asDouble()).isEqualTo(41.5);
        assertThat(health.path("ejected_until").asText()).isEqualTo("2026-12-01T12:00:00Z");
        assertThat(health.path("last_probe_at").isNull()).isTrue();
        assertThat(health.path("queue_length").asDouble()).isEqualTo(2.0);
    }

    @Test
    void pathSegmentsThatCannotNameAnythingAnswer404NotAnError() {
        for (String path : List.of("/admin/v1/catalog/models/%00", "/admin/v1/catalog/models/a%0Ab/backends",
                "/admin/v1/catalog/models/acme-llm/subscriptions/%00/approve", "/catalog/v1/models/%E2%80%AE")) {
            String method = path.endsWith("approve") ? "POST" : "GET";
            client.method(org.springframework.http.HttpMethod.valueOf(method)).uri(java.net.URI.create(path))
                    .header("Authorization", "Bearer " + publisher.token()).exchange()
                    .expectStatus().isNotFound();
        }
    }

    @Test
    void browsingPagesWithACursorAndRefusesWhatItDoesNotUnderstand() {
        for (int index = 0; index < 5; index++) {
            post("/admin/v1/catalog/models", MODEL.replace("acme-llm", "acme-llm-" + index)
                    .replace("\"input_per_million_tokens\":0.5", "\"input_per_million_tokens\":" + (5 - index))).expectStatus().isCreated();
        }
        List<String> seen = new ArrayList<>();
        String cursor = null;
        do {
            String page = browse("sort=price&limit=2" + (cursor == null ? "" : "&cursor=" + cursor)).expectStatus().isOk()
                    .expectBody(String.class).returnResult().getResponseBody();
            java.util.regex.Matcher ids = java.util.regex.Pattern.compile("\"id\":\"(acme-llm-\\d)\"").matcher(page);
            while (ids.find()) {
                seen.add(ids.group(1));
            }
            java.util.regex.Matcher next = java.util.regex.Pattern.compile("\"next_cursor\":\"([^\"]+)\"").matcher(page);
            cursor = next.find() ? next.group(1) : null;
        } while (cursor != null);
        assertThat(seen).containsExactly("acme-llm-4", "acme-llm-3", "acme-llm-2", "acme-llm-1", "acme-llm-0");

        browse("colour=blue").expectStatus().isBadRequest();
        browse("limit=0").expectStatus().isBadRequest();
        browse("cursor=!!!").expectStatus().isBadRequest();
        browse("sort=price&cursor=" + java.util.Base64.getUrlEncoder().encodeToString("NAME\nacme-llm-1".getBytes())).expectStatus().isBadRequest();
        browse("kind=vision").expectStatus().isBadRequest();
        browse("max_input_price=cheap").expectStatus().isBadRequest();
        browse("q=contract&max_input_price=2").expectStatus().isOk().expectBody().jsonPath("$.data.length()").isEqualTo(2);
    }

    private WebTestClient.ResponseSpec post(String path, String json) {
        return client.post().uri(path).header("Authorization", "Bearer " + publisher.token()).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(json).exchange();
    }

    private WebTestClient.ResponseSpec patch(String path, String json) {
        return client.patch().uri(path).header("Authorization", "Bearer " + publisher.token()).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(json).exchange();
    }

    private WebTestClient.ResponseSpec browse(String query) {
        return client.get().uri(java.net.URI.create("/catalog/v1/models?" + query)).header("Authorization", "Bearer " + publisher.token()).exchange();
    }
}
