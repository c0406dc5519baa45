package dev.gatehouse.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.HttpHeader;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.HttpResponseFor;
import com.openai.errors.NotFoundException;
import com.openai.errors.OpenAIServiceException;
import com.openai.errors.PermissionDeniedException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.models.Model;
import dev.gatehouse.tenant.ApiKeyAuthenticator;
import dev.gatehouse.tenant.Role;
import dev.gatehouse.tenant.Tenant;
import dev.gatehouse.tenant.TenantDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

import javax.sql.DataSource;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The marketplace as its users live it, over HTTP only: a platform admin creates a publisher and a
 * buyer tenant; the publisher lists models whose GPU backend needs an upstream key; the buyer
 * browses, subscribes and calls them with the official OpenAI SDK; the publisher approves,
 * rejects, deprecates, retires and re-prices; and nobody reaches what is not theirs. The only
 * step outside the HTTP API is minting the first platform-admin key, as the bootstrap does.
 */
@MarketplaceTest
@ExtendWith(OutputCaptureExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MarketplaceJourneyTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String UPSTREAM_TOKEN = "up-secret-123";
    private static final String CAPTURE_MARKER = "marketplace-journey: output capture is on";
    private static final Duration WITHIN_REFRESH = Duration.ofSeconds(5);
    private static final String ANSWER = "{\"id\":\"c1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"upstream\","
            + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"hello from the GPU\"},\"finish_reason\":\"stop\"}],"
            + "\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":4,\"total_tokens\":9}}";

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;

    /** Every answer of the admin and catalog APIs in this class, for the credential-leak check. */
    private final List<String> adminAnswers = Collections.synchronizedList(new ArrayList<>());

    private final String run = randomSuffix();
    private final String pubSlug = "pub-" + run;
    private final String buySlug = "buy-" + run;
    private final String othSlug = "oth-" + run;
    private final String publisherName = "Halyard Labs " + run;
    /** A word of the public model's card (the private model's card has it too, to show search does not leak it). */
    private final String cardWord = "tidewater" + run;
    private final String privateModel = "priv-" + run;
    private final String publicModel = "chat-" + run;
    private final String approvalModel = "appr-" + run;

    private WireMockServer gpu;
    private String backendUrl;
    private String rootKey;
    private String publisherKey;
    private String buyerAdminKey;
    private String buyerDeveloperKey;
    private final Map<String, String> outsiderKeys = new LinkedHashMap<>();
    private final Map<String, JsonNode> createdModels = new LinkedHashMap<>();
    private final Map<String, JsonNode> createdBackends = new LinkedHashMap<>();
    private JsonNode pubTenant;
    private JsonNode buyTenant;
    private final Map<String, JsonNode> mintedKeys = new LinkedHashMap<>();

    @BeforeAll
    void platformAdminSetsUpAPublisherAndABuyer() throws Exception {
        System.out.println(CAPTURE_MARKER);
        gpu = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        gpu.start();
        // The GPU server answers only callers that present the publisher's upstream key.
        gpu.stubFor(post(urlEqualTo("/v1/chat/completions")).atPriority(1)
                .withHeader("Authorization", equalTo("Bearer " + UPSTREAM_TOKEN))
                .willReturn(okJson(ANSWER)));
        gpu.stubFor(any(anyUrl()).atPriority(10).willReturn(aResponse().withStatus(401)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"error\":{\"message\":\"missing or wrong upstream key\",\"type\":\"authentication_error\"}}")));
        backendUrl = "http://127.0.0.1:" + gpu.port() + "/v1";

        rootKey = firstPlatformAdminKey();

        pubTenant = expect(201, admin("POST", "/admin/v1/tenants", rootKey,
                Map.of("slug", pubSlug, "display_name", publisherName))).json();
        buyTenant = expect(201, admin("POST", "/admin/v1/tenants", rootKey,
                Map.of("slug", buySlug, "display_name", "Buyer " + run, "allowed_purposes", List.of("general")))).json();
        expect(201, admin("POST", "/admin/v1/tenants", rootKey, Map.of("slug", othSlug, "display_name", "Outsider " + run)));

        publisherKey = mint(pubSlug, "publishing", "publisher", "developer");
        buyerAdminKey = mint(buySlug, "buyer admin", "tenant-admin", "developer");
        buyerDeveloperKey = mint(buySlug, "buyer app", "developer");
        outsiderKeys.put("publisher", mint(othSlug, "outsider publisher", "publisher"));
        outsiderKeys.put("tenant-admin", mint(othSlug, "outsider admin", "tenant-admin"));
        outsiderKeys.put("developer", mint(othSlug, "outsider developer", "developer"));
        outsiderKeys.put("auditor", mint(othSlug, "outsider auditor", "auditor"));

        // The buyer's admin gives its calls a default purpose, as a tenant must before calling any model.
        expect(200, admin("PUT", "/admin/v1/tenants/" + buySlug + "/compliance", buyerAdminKey, Map.of("default_purpose", "general")));

        publish(privateModel, "private", false, "0.1", "0.3");
        publish(publicModel, "public", false, "0.2", "0.6");
        publish(approvalModel, "public", true, "0.5", "1.5");
    }

    @AfterAll
    void stopTheGpu() {
        if (gpu != null) {
            gpu.stop();
        }
    }

    // 1. Tenants and keys

    @Test
    @Order(1)
    void platformAdminCreatesThePublisherAndBuyerTenantsAndMintsTheirKeys() {
        assertThat(pubTenant.get("slug").asText()).isEqualTo(pubSlug);
        assertThat(buyTenant.get("slug").asText()).isEqualTo(buySlug);
        // Tenants default to EU residency, which admits the publisher's eu-west backends without a PATCH.
        assertThat(texts(buyTenant.get("residency_regions"))).contains("eu-west");
        assertThat(texts(mintedKeys.get(publisherKey).get("roles"))).containsExactlyInAnyOrder("publisher", "developer");
        assertThat(texts(mintedKeys.get(buyerAdminKey).get("roles"))).containsExactlyInAnyOrder("tenant-admin", "developer");
        assertThat(texts(mintedKeys.get(buyerDeveloperKey).get("roles"))).containsExactly("developer");
        assertThat(mintedKeys.values()).allSatisfy(key -> assertThat(key.get("token").asText()).startsWith("gatehouse_"));
    }

    // 2. Publishing

    @Test
    @Order(2)
    void publisherListsAPrivateAndTwoPublicModelsEachWithABackendThatNeedsAnUpstreamKey() throws Exception {
        JsonNode created = createdModels.get(publicModel);
        assertThat(created.get("owner_tenant").asText()).isEqualTo(pubSlug);
        assertThat(created.get("publisher").asText()).isEqualTo(publisherName);
        assertThat(created.get("visibility").asText()).isEqualTo("public");
        assertThat(created.get("license").asText()).isEqualTo("apache-2.0");
        assertThat(created.get("model_card").asText()).contains(cardWord);
        assertThat(texts(created.get("certifications"))).containsExactly("gdpr-ready");
        assertThat(createdModels.get(privateModel).get("visibility").asText()).isEqualTo("private");
        assertThat(createdModels.get(approvalModel).get("approval_required").asBoolean()).isTrue();

        JsonNode backend = createdBackends.get(publicModel);
        assertThat(backend.get("id").asText()).startsWith("bk-");
        assertThat(backend.get("base_url").asText()).isEqualTo(backendUrl);
        assertThat(backend.get("region").asText()).isEqualTo("eu-west");
        assertThat(backend.at("/credential/type").asText()).isEqualTo("bearer");
        assertThat(backend.at("/credential/configured").asBoolean()).isTrue();

        JsonNode own = expect(200, admin("GET", "/admin/v1/catalog/models", publisherKey, null)).json();
        assertThat(ids(own)).containsExactlyInAnyOrder(privateModel, publicModel, approvalModel);
        JsonNode read = expect(200, admin("GET", "/admin/v1/catalog/models/" + publicModel, publisherKey, null)).json();
        assertThat(texts(read.get("regions"))).containsExactly("eu-west");
        assertThat(read.get("backends")).singleElement().satisfies(listed -> assertThat(listed.get("id")).isEqualTo(backend.get("id")));
    }

    // 3. Browsing

    @Test
    @Order(3)
    void buyerFindsThePublicModelByAWordOfItsCardAndByEveryFilter() throws Exception {
        assertThat(browse("q=" + cardWord)).containsExactly(publicModel);
        String filters = "q=" + cardWord + "&kind=chat&certification=gdpr-ready&region=eu-west&max_input_price=0.3&publisher="
                + url(publisherName);
        assertThat(browse(filters)).containsExactly(publicModel);
        assertThat(browse("publisher=" + url(publisherName))).contains(publicModel, approvalModel).doesNotContain(privateModel);

        // Each filter also excludes: the wrong kind, certification, region, a lower price cap, another publisher.
        assertThat(browse("q=" + cardWord + "&kind=embeddings")).isEmpty();
        assertThat(browse("q=" + cardWord + "&certification=hipaa")).isEmpty();
        assertThat(browse("q=" + cardWord + "&region=us-east")).isEmpty();
        assertThat(browse("q=" + cardWord + "&max_input_price=0.19")).isEmpty();
        assertThat(browse("q=" + cardWord + "&publisher=" + url("Somebody Else"))).isEmpty();
        assertThat(browse("publisher=" + url(publisherName) + "&max_input_price=0.3")).contains(publicModel).doesNotContain(approvalModel);

        JsonNode detail = expect(200, admin("GET", "/catalog/v1/models/" + publicModel, buyerDeveloperKey, null)).json();
        assertThat(detail.get("model_card").asText()).contains(cardWord);
        assertThat(detail.at("/pricing/input_per_million_tokens").asText()).isEqualTo("0.2");
        assertThat(texts(detail.get("regions"))).containsExactly("eu-west");
        assertThat(detail.has("backends")).isFalse();
        assertThat(detail.toString()).doesNotContain(backendUrl).doesNotContain("127.0.0.1");
    }

    @Test
    @Order(4)
    void buyerCannotSeeThePrivateModelInBrowsingByIdOrAtTheGateway() throws Exception {
        assertThat(browse("q=" + privateModel)).isEmpty();
        assertThat(browse("publisher=" + url(publisherName))).doesNotContain(privateModel);
        expectProblem(404, "not_found", admin("GET", "/catalog/v1/models/" + privateModel, buyerDeveloperKey, null));

        HttpResponse<String> call = chatOverHttp(buyerDeveloperKey, privateModel);
        expectProblem(404, "model_not_found", new Answer(call));
        assertThatThrownBy(() -> sdk(buyerDeveloperKey).chat().completions().create(chat(privateModel)))
                .isInstanceOf(NotFoundException.class);
        assertThat(modelIds(buyerDeveloperKey)).doesNotContain(privateModel);
    }

    @Test
    @Order(5)
    void browsingPagesThroughEveryModelWithTheCursorWithoutDuplicates() throws Exception {
        String filter = "publisher=" + url(publisherName);
        List<String> unpaged = browse(filter);
        assertThat(unpaged).hasSizeGreaterThanOrEqualTo(2);

        List<String> paged = new ArrayList<>();
        String cursor = null;
        for (int page = 0; page < 50; page++) {
            JsonNode answer = expect(200, admin("GET", "/catalog/v1/models?" + filter + "&limit=1"
                    + (cursor == null ? "" : "&cursor=" + url(cursor)), buyerDeveloperKey, null)).json();
            assertThat(answer.get("data")).hasSizeLessThanOrEqualTo(1);
            paged.addAll(ids(answer));
            if (!answer.get("has_more").asBoolean()) {
                assertThat(answer.get("next_cursor").isNull()).isTrue();
                cursor = null;
                break;
            }
            cursor = answer.get("next_cursor").asText();
        }

        assertThat(cursor).as("paging ended").isNull();
        assertThat(paged).doesNotHaveDuplicates().containsExactlyElementsOf(unpaged);
        assertThat(paged).contains(publicModel, approvalModel).doesNotContain(privateModel);
    }

    @Test
    @Order(6)
    void aCursorNamingAModelTheCallerCannotSeeIsRefusedLikeOneNamingNoModel() throws Exception {
        String visible = "NAME\n" + publicModel;
        String invisible = "NAME\n" + privateModel;
        String missing = "NAME\nno-such-model-" + run;

        expect(200, admin("GET", "/catalog/v1/models?cursor=" + cursor(visible), buyerDeveloperKey, null));
        Answer unknown = admin("GET", "/catalog/v1/models?cursor=" + cursor(missing), buyerDeveloperKey, null);
        expectProblem(400, "invalid_request", unknown);
        assertThat(unknown.json().at("/error/param").asText()).isEqualTo("cursor");

        // Otherwise a forged cursor tells whether another tenant's private model exists, and where it sorts
        // (its name, price or age) among the models the caller can see.
        Answer forged = admin("GET", "/catalog/v1/models?cursor=" + cursor(invisible), buyerDeveloperKey, null);
        expectProblem(400, "invalid_request", forged);
        assertThat(forged.json().at("/error/param").asText()).isEqualTo("cursor");
        assertThat(forged.json().get("detail")).isEqualTo(unknown.json().get("detail"));
    }

    @Test
    @Order(7)
    void browsingSortedByPriceOrdersByInputPrice() throws Exception {
        JsonNode answer = expect(200, admin("GET", "/catalog/v1/models?sort=price&limit=100&publisher=" + url(publisherName),
                buyerDeveloperKey, null)).json();
        List<BigDecimal> prices = new ArrayList<>();
        answer.get("data").forEach(model -> prices.add(new BigDecimal(model.at("/pricing/input_per_million_tokens").asText())));
        assertThat(prices).isSorted();
        assertThat(ids(answer)).containsSubsequence(publicModel, approvalModel);

        JsonNode everything = expect(200, admin("GET", "/catalog/v1/models?sort=price&limit=100", buyerDeveloperKey, null)).json();
        List<BigDecimal> allPrices = new ArrayList<>();
        everything.get("data").forEach(model -> allPrices.add(new BigDecimal(model.at("/pricing/input_per_million_tokens").asText())));
        assertThat(allPrices).isSorted();
    }

    // 4. Calling before subscribing

    @Test
    @Order(8)
    void callingAPublicModelBeforeSubscribingIsRefusedAsNotSubscribedAndItIsNotListed() throws Exception {
        Answer refused = new Answer(chatOverHttp(buyerDeveloperKey, publicModel));
        expectProblem(403, "policy_denied", refused);
        assertThat(reasonCodes(refused.json())).contains("MODEL_NOT_SUBSCRIBED");

        assertThatThrownBy(() -> sdk(buyerDeveloperKey).chat().completions().create(chat(publicModel)))
                .isInstanceOfSatisfying(PermissionDeniedException.class, denied -> {
                    assertThat(denied.code()).hasValue("policy_denied");
                    assertThat(denied.body().toString()).contains("MODEL_NOT_SUBSCRIBED");
                });
        assertThat(modelIds(buyerDeveloperKey)).doesNotContain(publicModel);
    }

    // 5. Subscribing and calling

    @Test
    @Order(9)
    void subscribingActivatesTheModelAndCallsReachTheGpuWithThePublishersKeyNeverTheBuyers() throws Exception {
        JsonNode subscription = expect(201, admin("POST", "/admin/v1/tenants/" + buySlug + "/subscriptions", buyerAdminKey,
                Map.of("model", publicModel))).json();
        assertThat(subscription.get("status").asText()).isEqualTo("active");
        assertThat(subscription.get("tenant").asText()).isEqualTo(buySlug);
        gpu.resetRequests();

        ChatCompletion completion = awaitSuccessfulCall(buyerDeveloperKey, publicModel);

        assertThat(completion.choices().get(0).message().content()).hasValue("hello from the GPU");
        List<LoggedRequest> received = gpu.findAll(postRequestedFor(urlEqualTo("/v1/chat/completions")));
        assertThat(received).isNotEmpty().allSatisfy(request -> {
            assertThat(request.getHeader("Authorization")).isEqualTo("Bearer " + UPSTREAM_TOKEN);
            for (HttpHeader header : request.getHeaders().all()) {
                assertThat(header.values()).noneSatisfy(value -> assertThat(value).contains(buyerDeveloperKey));
                assertThat(header.values()).noneSatisfy(value -> assertThat(value).contains("gatehouse_"));
            }
            assertThat(request.getBodyAsString()).contains("upstream-" + publicModel).doesNotContain(buyerDeveloperKey);
        });
        assertThat(modelIds(buyerDeveloperKey)).contains(publicModel);

        JsonNode mine = expect(200, admin("GET", "/admin/v1/tenants/" + buySlug + "/subscriptions", buyerAdminKey, null)).json();
        assertThat(mine.get("data")).anySatisfy(entry -> {
            assertThat(entry.get("model").asText()).isEqualTo(publicModel);
            assertThat(entry.get("status").asText()).isEqualTo("active");
        });
        JsonNode listed = expect(200, admin("GET", "/catalog/v1/models/" + publicModel, buyerDeveloperKey, null)).json();
        assertThat(listed.get("subscription").asText()).isEqualTo("active");
    }

    @Test
    @Order(10)
    void aModelThatNeedsApprovalWaitsForThePublisherAndARejectionRefusesCallsAgain() throws Exception {
        JsonNode pending = expect(202, admin("POST", "/admin/v1/tenants/" + buySlug + "/subscriptions", buyerAdminKey,
                Map.of("model", approvalModel))).json();
        assertThat(pending.get("status").asText()).isEqualTo("pending");
        assertThatThrownBy(() -> sdk(buyerDeveloperKey).chat().completions().create(chat(approvalModel)))
                .isInstanceOf(PermissionDeniedException.class);
        assertThat(modelIds(buyerDeveloperKey)).doesNotContain(approvalModel);

        JsonNode requests = expect(200, admin("GET", "/admin/v1/catalog/models/" + approvalModel + "/subscriptions", publisherKey, null)).json();
        assertThat(requests.get("data")).singleElement().satisfies(entry -> {
            assertThat(entry.get("tenant").asText()).isEqualTo(buySlug);
            assertThat(entry.get("status").asText()).isEqualTo("pending");
        });

        JsonNode approved = expect(200, admin("POST", "/admin/v1/catalog/models/" + approvalModel + "/subscriptions/" + buySlug + "/approve",
                publisherKey, null)).json();
        assertThat(approved.get("status").asText()).isEqualTo("active");
        awaitSuccessfulCall(buyerDeveloperKey, approvalModel);
        assertThat(modelIds(buyerDeveloperKey)).contains(approvalModel);

        JsonNode rejected = expect(200, admin("POST", "/admin/v1/catalog/models/" + approvalModel + "/subscriptions/" + buySlug + "/reject",
                publisherKey, null)).json();
        assertThat(rejected.get("status").asText()).isEqualTo("rejected");
        awaitRefusal(buyerDeveloperKey, approvalModel);
        assertThat(modelIds(buyerDeveloperKey)).doesNotContain(approvalModel);
    }

    // 6. Unsubscribing

    @Test
    @Order(11)
    void unsubscribingRefusesCallsAgain() throws Exception {
        Answer subscribed = admin("POST", "/admin/v1/tenants/" + buySlug + "/subscriptions", buyerAdminKey, Map.of("model", publicModel));
        assertThat(subscribed.status()).as(subscribed.body()).isIn(200, 201);
        awaitSuccessfulCall(buyerDeveloperKey, publicModel);

        expect(204, admin("DELETE", "/admin/v1/tenants/" + buySlug + "/subscriptions/" + publicModel, buyerAdminKey, null));

        awaitRefusal(buyerDeveloperKey, publicModel);
        assertThat(modelIds(buyerDeveloperKey)).doesNotContain(publicModel);
        expectProblem(404, "not_found", admin("DELETE", "/admin/v1/tenants/" + buySlug + "/subscriptions/" + publicModel, buyerAdminKey, null));
    }

    // 7. Deprecation and retirement

    @Test
    @Order(12)
    void aDeprecatedModelAnnouncesItsSunsetAndAnswers410AfterItAndLeavesTheListings() throws Exception {
        String model = "depr-" + run;
        publish(model, "public", false, "0.4", "1.2");
        expect(201, admin("POST", "/admin/v1/tenants/" + buySlug + "/subscriptions", buyerAdminKey, Map.of("model", model)));
        try (HttpResponseFor<ChatCompletion> before = awaitRawSuccess(buyerDeveloperKey, model)) {
            assertThat(before.headers().values("Deprecation")).isEmpty();
        }

        Instant sunset = Instant.now().plus(30, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
        Instant deprecatedFrom = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        JsonNode deprecated = expect(200, admin("PATCH", "/admin/v1/catalog/models/" + model, publisherKey,
                Map.of("status", "deprecated", "sunset_at", sunset.toString()))).json();
        assertThat(deprecated.get("status").asText()).isEqualTo("deprecated");
        assertThat(Instant.parse(deprecated.get("sunset_at").asText())).isEqualTo(sunset);

        await().atMost(WITHIN_REFRESH).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            try (HttpResponseFor<ChatCompletion> during = sdk(buyerDeveloperKey).chat().completions().withRawResponse().create(chat(model))) {
                assertThat(during.statusCode()).isEqualTo(200);
                assertThat(during.headers().values("Sunset"))
                        .containsExactly(DateTimeFormatter.RFC_1123_DATE_TIME.format(sunset.atOffset(ZoneOffset.UTC)));
                assertThat(during.headers().values("Deprecation")).singleElement().satisfies(value -> {
                    assertThat(value).startsWith("@");
                    assertThat(Long.parseLong(value.substring(1))).isBetween(deprecatedFrom.getEpochSecond() - 5, Instant.now().getEpochSecond());
                });
            }
        });
        assertThat(browse("publisher=" + url(publisherName) + "&status=deprecated")).containsExactly(model);

        Instant past = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
        expect(200, admin("PATCH", "/admin/v1/catalog/models/" + model, publisherKey, Map.of("sunset_at", past.toString())));

        await().atMost(WITHIN_REFRESH).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            Answer retired = new Answer(chatOverHttp(buyerDeveloperKey, model));
            expectProblem(410, "model_retired", retired);
        });
        assertThatThrownBy(() -> sdk(buyerDeveloperKey).chat().completions().create(chat(model)))
                .isInstanceOfSatisfying(OpenAIServiceException.class, error -> {
                    assertThat(error.statusCode()).isEqualTo(410);
                    assertThat(error.code()).hasValue("model_retired");
                });
        assertThat(browse("publisher=" + url(publisherName))).doesNotContain(model);
        expectProblem(404, "not_found", admin("GET", "/catalog/v1/models/" + model, buyerDeveloperKey, null));
        assertThat(modelIds(buyerDeveloperKey)).doesNotContain(model);
    }

    // 8. Price change

    @Test
    @Order(13)
    void aPriceChangeEffectiveNowKeepsTheOldPriceUnchangedInTheHistory() throws Exception {
        String model = "price-" + run;
        publish(model, "public", false, "0.3", "0.9");
        JsonNode original = expect(200, admin("GET", "/admin/v1/catalog/models/" + model, publisherKey, null)).json().get("price_history");
        assertThat(original).hasSize(1);

        JsonNode changed = expect(200, admin("PATCH", "/admin/v1/catalog/models/" + model, publisherKey,
                Map.of("pricing", Map.of("input_per_million_tokens", "0.35", "output_per_million_tokens", "1.05")))).json();
        assertThat(changed.get("price_history")).hasSize(2);

        JsonNode read = expect(200, admin("GET", "/admin/v1/catalog/models/" + model, publisherKey, null)).json();
        JsonNode history = read.get("price_history");
        assertThat(history).hasSize(2);
        assertThat(history.get(0)).isEqualTo(original.get(0));
        assertThat(history.get(0).get("input_per_million_tokens").asText()).isEqualTo("0.3");
        assertThat(history.get(1).get("input_per_million_tokens").asText()).isEqualTo("0.35");
        assertThat(history.get(1).get("output_per_million_tokens").asText()).isEqualTo("1.05");
        assertThat(Instant.parse(history.get(1).get("effective_from").asText()))
                .isAfterOrEqualTo(Instant.parse(history.get(0).get("effective_from").asText()));
        assertThat(read.at("/pricing/input_per_million_tokens").asText()).isEqualTo("0.35");
        JsonNode listed = expect(200, admin("GET", "/catalog/v1/models/" + model, buyerDeveloperKey, null)).json();
        assertThat(listed.at("/pricing/input_per_million_tokens").asText()).isEqualTo("0.35");
    }

    // 9. Credentials never leak

    @Test
    @Order(14)
    void theUpstreamTokenAppearsInNoAnswerLogLineAuditRecordOrDatabaseRow(CapturedOutput output) throws Exception {
        String backendId = createdBackends.get(publicModel).get("id").asText();
        String backends = "/admin/v1/catalog/models/" + publicModel + "/backends";
        expect(200, admin("GET", backends, publisherKey, null));
        expect(200, admin("PATCH", backends + "/" + backendId, publisherKey,
                Map.of("credential", Map.of("type", "bearer", "token", UPSTREAM_TOKEN))));
        // A change that leaves the credential out keeps it (the call below still authenticates upstream).
        JsonNode reweighted = expect(200, admin("PATCH", backends + "/" + backendId, publisherKey, Map.of("weight", 50))).json();
        assertThat(reweighted.at("/credential/configured").asBoolean()).isTrue();
        expect(200, admin("GET", "/admin/v1/catalog/models/" + publicModel, publisherKey, null));
        expect(200, admin("GET", "/admin/v1/catalog/models", publisherKey, null));
        expect(200, admin("PATCH", "/admin/v1/catalog/models/" + publicModel, publisherKey, Map.of("description", "Tide tables, now faster")));
        // Refusals that carry the token must not echo it either.
        expectProblem(400, "invalid_request", admin("PATCH", backends + "/" + backendId, publisherKey,
                Map.of("credential", Map.of("type", "bearer", "token", UPSTREAM_TOKEN, "header", "X-Key"))));
        expectProblem(400, "invalid_request", admin("PATCH", backends + "/" + backendId, publisherKey,
                Map.of("credential", Map.of("type", "bearer", "token", UPSTREAM_TOKEN, "extra", UPSTREAM_TOKEN))));

        // A call through the backend, so that routing (which decrypts and injects the token) ran and was audited.
        Answer subscribed = admin("POST", "/admin/v1/tenants/" + buySlug + "/subscriptions", buyerAdminKey, Map.of("model", publicModel));
        assertThat(subscribed.status()).as(subscribed.body()).isIn(200, 201);
        awaitSuccessfulCall(buyerDeveloperKey, publicModel);
        expect(204, admin("DELETE", "/admin/v1/tenants/" + buySlug + "/subscriptions/" + publicModel, buyerAdminKey, null));

        assertThat(adminAnswers).isNotEmpty().noneSatisfy(answer -> assertThat(answer).contains(UPSTREAM_TOKEN));

        JdbcClient database = JdbcClient.create(context.getBean(DataSource.class));
        await().atMost(Duration.ofSeconds(10)).until(() -> database.sql("SELECT count(*) FROM audit.entries WHERE leaf LIKE :model")
                .param("model", "%" + publicModel + "%").query(Long.class).single() > 0);
        List<String> auditRows = database.sql("SELECT e::text FROM audit.entries e").query(String.class).list();
        assertThat(auditRows).isNotEmpty().noneSatisfy(row -> assertThat(row).contains(UPSTREAM_TOKEN));

        List<Map<String, Object>> stored = database.sql("SELECT b.id, b.model_id, b.credential_sealed, b::text AS row_text "
                + "FROM catalog.backends b WHERE b.model_id LIKE :run").param("run", "%-" + run).query().listOfRows();
        assertThat(stored).extracting(row -> row.get("model_id")).contains(privateModel, publicModel, approvalModel);
        byte[] token = UPSTREAM_TOKEN.getBytes(StandardCharsets.UTF_8);
        assertThat(stored).allSatisfy(row -> {
            byte[] sealed = (byte[]) row.get("credential_sealed");
            assertThat(sealed).as("credential of %s is stored", row.get("id")).isNotNull();
            assertThat(indexOf(sealed, token)).as("plaintext token in credential_sealed of %s", row.get("id")).isEqualTo(-1);
            assertThat((String) row.get("row_text")).doesNotContain(UPSTREAM_TOKEN)
                    .doesNotContain(java.util.HexFormat.of().formatHex(token));
        });

        assertThat(output.getAll()).contains(CAPTURE_MARKER).doesNotContain(UPSTREAM_TOKEN);
    }

    // 10. SSRF

    @ParameterizedTest(name = "{0}")
    @Order(15)
    @ValueSource(strings = {
            "http://169.254.169.254/v1",
            "http://10.0.0.5:8000/v1",
            "http://[fd00:ec2::254]/v1",
            "ftp://example.com/v1",
            "http://user:pw@example.com/v1",
            "http://127.0.0.2:8000/v1"})
    void aBackendUrlThatCouldReachThePlatformsOwnNetworkIsRefused(String baseUrl) throws Exception {
        String model = "ssrf-" + run;
        if (!createdModels.containsKey(model)) {
            // A private model that is never called, so that a wrongly admitted URL is never connected to.
            publishWithoutBackend(model, "private", false, "0.1", "0.1");
        }
        Answer answer = admin("POST", "/admin/v1/catalog/models/" + model + "/backends", publisherKey, Map.of(
                "base_url", baseUrl, "upstream_model", "upstream", "region", "eu-west",
                "credential", Map.of("type", "bearer", "token", UPSTREAM_TOKEN)));
        if (answer.status() == 201) {
            // Admitted by mistake: remove it at once, then fail.
            admin("DELETE", "/admin/v1/catalog/models/" + model + "/backends/" + answer.json().get("id").asText(), publisherKey, null);
        }
        expectProblem(400, "invalid_request", answer);
        assertThat(answer.json().at("/error/param").asText()).isEqualTo("base_url");
    }

    // 11. Escalation

    @Test
    @Order(16)
    void aPublisherCannotCreateTenantsNorMintAdminKeys() throws Exception {
        expectProblem(403, "forbidden", admin("POST", "/admin/v1/tenants", publisherKey, Map.of("slug", "evil-" + run, "display_name", "Evil")));
        expectProblem(403, "forbidden", admin("POST", "/admin/v1/tenants/" + pubSlug + "/api-keys", publisherKey,
                Map.of("name", "escalate", "roles", List.of("platform-admin"))));
        expectProblem(403, "forbidden", admin("POST", "/admin/v1/tenants/" + pubSlug + "/api-keys", publisherKey,
                Map.of("name", "escalate", "roles", List.of("tenant-admin"))));
        expectProblem(403, "forbidden", admin("POST", "/admin/v1/tenants/" + buySlug + "/api-keys", buyerAdminKey,
                Map.of("name", "escalate", "roles", List.of("platform-admin"))));
    }

    @Test
    @Order(17)
    void aPublisherCannotManageAnotherTenantsModelItsBackendsOrItsSubscriptions() throws Exception {
        String foreign = "foreign-" + run;
        expect(201, admin("POST", "/admin/v1/catalog/models", outsiderKeys.get("publisher"), modelBody(foreign, "public", false, "0.1", "0.1")));
        JsonNode foreignBackend = expect(201, admin("POST", "/admin/v1/catalog/models/" + foreign + "/backends", outsiderKeys.get("publisher"),
                backendBody(foreign))).json();
        String backendPath = "/admin/v1/catalog/models/" + foreign + "/backends/" + foreignBackend.get("id").asText();

        expectProblem(404, "not_found", admin("GET", "/admin/v1/catalog/models/" + foreign, publisherKey, null));
        expectProblem(404, "not_found", admin("PATCH", "/admin/v1/catalog/models/" + foreign, publisherKey, Map.of("display_name", "Mine now")));
        expectProblem(404, "not_found", admin("DELETE", "/admin/v1/catalog/models/" + foreign, publisherKey, null));
        expectProblem(404, "not_found", admin("GET", "/admin/v1/catalog/models/" + foreign + "/backends", publisherKey, null));
        expectProblem(404, "not_found", admin("POST", "/admin/v1/catalog/models/" + foreign + "/backends", publisherKey, backendBody(foreign)));
        expectProblem(404, "not_found", admin("PATCH", backendPath, publisherKey, Map.of("weight", 1)));
        expectProblem(404, "not_found", admin("DELETE", backendPath, publisherKey, null));
        expectProblem(404, "not_found", admin("GET", "/admin/v1/catalog/models/" + foreign + "/subscriptions", publisherKey, null));
        expectProblem(404, "not_found", admin("POST", "/admin/v1/catalog/models/" + foreign + "/subscriptions/" + buySlug + "/approve", publisherKey, null));
        expectProblem(404, "not_found", admin("POST", "/admin/v1/catalog/models/" + foreign + "/subscriptions/" + buySlug + "/reject", publisherKey, null));

        JsonNode untouched = expect(200, admin("GET", "/admin/v1/catalog/models/" + foreign, outsiderKeys.get("publisher"), null)).json();
        assertThat(untouched.get("display_name").asText()).isEqualTo("Model " + foreign);
        assertThat(untouched.get("backends")).singleElement().satisfies(backend -> assertThat(backend.get("weight").asInt()).isEqualTo(100));
        assertThat(ids(expect(200, admin("GET", "/admin/v1/catalog/models", publisherKey, null)).json())).doesNotContain(foreign);
    }

    @Test
    @Order(18)
    void aDeveloperCannotPublishOrSubscribeAndATenantAdminCannotActForAnotherTenant() throws Exception {
        expectProblem(403, "forbidden", admin("POST", "/admin/v1/catalog/models", buyerDeveloperKey,
                modelBody("dev-" + run, "public", false, "0.1", "0.1")));
        expectProblem(403, "forbidden", admin("POST", "/admin/v1/tenants/" + buySlug + "/subscriptions", buyerDeveloperKey,
                Map.of("model", publicModel)));
        expectProblem(404, "not_found", admin("POST", "/admin/v1/tenants/" + pubSlug + "/subscriptions", buyerAdminKey,
                Map.of("model", publicModel)));
        expectProblem(404, "not_found", admin("GET", "/admin/v1/tenants/" + pubSlug + "/subscriptions", buyerAdminKey, null));
        // Not a publisher: the buyer's admin cannot publish either.
        expectProblem(403, "forbidden", admin("POST", "/admin/v1/catalog/models", buyerAdminKey,
                modelBody("adm-" + run, "public", false, "0.1", "0.1")));
    }

    @Test
    @Order(19)
    void onlyAPlatformAdminPublishesForAnotherTenantWithOwnerTenant() throws Exception {
        String hosted = "hosted-" + run;
        Map<String, Object> body = new LinkedHashMap<>(modelBody(hosted, "private", false, "0.1", "0.1"));
        body.put("owner_tenant", pubSlug);

        expectProblem(403, "forbidden", admin("POST", "/admin/v1/catalog/models", publisherKey, body));
        expectProblem(403, "forbidden", admin("POST", "/admin/v1/catalog/models", outsiderKeys.get("publisher"), body));

        JsonNode created = expect(201, admin("POST", "/admin/v1/catalog/models", rootKey, body)).json();
        assertThat(created.get("owner_tenant").asText()).isEqualTo(pubSlug);
        assertThat(created.get("publisher").asText()).isEqualTo(publisherName);
        // The owner's publisher now manages it; the outsider still cannot see it.
        expect(200, admin("GET", "/admin/v1/catalog/models/" + hosted, publisherKey, null));
        expectProblem(404, "not_found", admin("GET", "/admin/v1/catalog/models/" + hosted, outsiderKeys.get("publisher"), null));
        expect(204, admin("DELETE", "/admin/v1/catalog/models/" + hosted, publisherKey, null));
    }

    // 12. Cross-tenant matrix

    /** Every route of the catalog and subscription APIs, as an outsider would aim it at tenant pub's resources. */
    enum Route {
        CREATE_MODEL_FOR_PUB("POST", "/admin/v1/catalog/models", false),
        LIST_MODELS("GET", "/admin/v1/catalog/models", true),
        READ_MODEL("GET", "/admin/v1/catalog/models/{model}", false),
        UPDATE_MODEL("PATCH", "/admin/v1/catalog/models/{model}", false),
        DELETE_MODEL("DELETE", "/admin/v1/catalog/models/{model}", false),
        CREATE_BACKEND("POST", "/admin/v1/catalog/models/{model}/backends", false),
        LIST_BACKENDS("GET", "/admin/v1/catalog/models/{model}/backends", false),
        UPDATE_BACKEND("PATCH", "/admin/v1/catalog/models/{model}/backends/{backend}", false),
        DELETE_BACKEND("DELETE", "/admin/v1/catalog/models/{model}/backends/{backend}", false),
        SUBSCRIBE_PUB("POST", "/admin/v1/tenants/{pub}/subscriptions", false),
        SUBSCRIBE_OWN_TENANT_TO_PRIVATE_MODEL("POST", "/admin/v1/tenants/{own}/subscriptions", false),
        LIST_SUBSCRIPTIONS_OF_PUB("GET", "/admin/v1/tenants/{pub}/subscriptions", false),
        LIST_SUBSCRIPTIONS_OF_ITS_BUYER("GET", "/admin/v1/tenants/{buyer}/subscriptions", false),
        UNSUBSCRIBE_ITS_BUYER("DELETE", "/admin/v1/tenants/{buyer}/subscriptions/{model}", false),
        LIST_MODEL_SUBSCRIPTIONS("GET", "/admin/v1/catalog/models/{model}/subscriptions", false),
        APPROVE("POST", "/admin/v1/catalog/models/{model}/subscriptions/{buyer}/approve", false),
        REJECT("POST", "/admin/v1/catalog/models/{model}/subscriptions/{buyer}/reject", false),
        BROWSE("GET", "/catalog/v1/models?q={model}", true),
        BROWSE_MODEL("GET", "/catalog/v1/models/{model}", false);

        final String method;
        final String path;
        /** A listing any member (or publisher) may read: answered 200, but with nothing of pub's private model. */
        final boolean listing;

        Route(String method, String path, boolean listing) {
            this.method = method;
            this.path = path;
            this.listing = listing;
        }
    }

    static Stream<Arguments> outsiderRolesAndRoutes() {
        return Stream.of("publisher", "tenant-admin", "developer", "auditor")
                .flatMap(role -> Stream.of(Route.values()).map(route -> Arguments.of(role, route)));
    }

    @ParameterizedTest(name = "{0} of another tenant: {1}")
    @Order(20)
    @MethodSource("outsiderRolesAndRoutes")
    void anotherTenantsMembersReachNothingOfThePublishersPrivateModel(String role, Route route) throws Exception {
        String model = "vault-" + run;
        // A URL of its own, so that a body naming it can only have read this backend.
        String vaultUrl = "http://127.0.0.1:" + gpu.port() + "/vault-" + run + "/v1";
        if (!createdModels.containsKey(model)) {
            publishWithoutBackend(model, "private", false, "0.1", "0.1");
            Map<String, Object> backend = new LinkedHashMap<>(backendBody(model));
            backend.put("base_url", vaultUrl);
            createdBackends.put(model, expect(201, admin("POST", "/admin/v1/catalog/models/" + model + "/backends", publisherKey, backend)).json());
            // A pending request from the buyer, so that approve/reject have something to act on.
            expect(200, admin("PATCH", "/admin/v1/catalog/models/" + model, publisherKey, Map.of("visibility", "shared",
                    "shared_with", List.of(buySlug), "approval_required", true)));
            expect(202, admin("POST", "/admin/v1/tenants/" + buySlug + "/subscriptions", buyerAdminKey, Map.of("model", model)));
        }
        String backendId = createdBackends.get(model).get("id").asText();
        String path = route.path.replace("{model}", model).replace("{backend}", backendId).replace("{pub}", pubSlug)
                .replace("{own}", othSlug).replace("{buyer}", buySlug);
        Object body = switch (route) {
            case CREATE_MODEL_FOR_PUB -> {
                Map<String, Object> create = new LinkedHashMap<>(modelBody("intruder-" + run, "public", false, "0.1", "0.1"));
                create.put("owner_tenant", pubSlug);
                yield create;
            }
            case UPDATE_MODEL -> Map.of("display_name", "taken over", "visibility", "public");
            case CREATE_BACKEND -> Map.of("base_url", "https://gpu.example.com/v1", "upstream_model", "x", "region", "eu-west");
            case UPDATE_BACKEND -> Map.of("weight", 1);
            case SUBSCRIBE_PUB, SUBSCRIBE_OWN_TENANT_TO_PRIVATE_MODEL -> Map.of("model", model);
            default -> null;
        };

        Answer answer = admin(route.method, path, outsiderKeys.get(role), body);

        if (route.listing) {
            // Listings answer 200 to whoever may list (any member browses; a publisher lists its own models), 403 otherwise.
            assertThat(answer.status()).as(answer.body()).isIn(200, 403);
        } else {
            assertThat(answer.status()).as(answer.body()).isIn(403, 404);
            assertThat(answer.contentType()).startsWith("application/problem+json");
        }
        assertThat(answer.body()).doesNotContain(model).doesNotContain(vaultUrl).doesNotContain(backendId);

        // And nothing changed: the publisher still sees its model, backend and the buyer's pending request as they were.
        JsonNode own = expect(200, admin("GET", "/admin/v1/catalog/models/" + model, publisherKey, null)).json();
        assertThat(own.get("display_name").asText()).isEqualTo("Model " + model);
        assertThat(own.get("visibility").asText()).isEqualTo("shared");
        assertThat(own.get("backends")).singleElement().satisfies(backend -> {
            assertThat(backend.get("id").asText()).isEqualTo(backendId);
            assertThat(backend.get("weight").asInt()).isEqualTo(100);
        });
        JsonNode requests = expect(200, admin("GET", "/admin/v1/catalog/models/" + model + "/subscriptions", publisherKey, null)).json();
        assertThat(requests.get("data")).singleElement().satisfies(entry -> assertThat(entry.get("status").asText()).isEqualTo("pending"));
        assertThat(expect(200, admin("GET", "/admin/v1/tenants/" + othSlug + "/subscriptions", rootKey, null)).json().get("data")).isEmpty();
    }

    // The journey's steps

    /** The one step outside the HTTP API: the first platform-admin key, minted as the bootstrap does. */
    private String firstPlatformAdminKey() {
        TenantDatabase tenants = context.getBean(TenantDatabase.class);
        Tenant defaultTenant = tenants.tenants().findBySlug(Bootstrap.DEFAULT_TENANT).orElseThrow();
        String token = tenants.apiKeys().create(defaultTenant.id(), "root", Set.of(Role.PLATFORM_ADMIN, Role.TENANT_ADMIN, Role.DEVELOPER), null).token();
        context.getBean(ApiKeyAuthenticator.class).refresh();
        return token;
    }

    private String mint(String slug, String name, String... roles) throws Exception {
        JsonNode key = expect(201, admin("POST", "/admin/v1/tenants/" + slug + "/api-keys", rootKey, Map.of("name", name, "roles", List.of(roles)))).json();
        String token = key.get("token").asText();
        mintedKeys.put(token, key);
        // Keys reach the gateway's authenticator within the refresh interval.
        await().atMost(WITHIN_REFRESH).pollInterval(Duration.ofMillis(100))
                .until(() -> admin("GET", "/catalog/v1/models?limit=1", token, null).status() == 200);
        return token;
    }

    private void publish(String id, String visibility, boolean approvalRequired, String inputPrice, String outputPrice) throws Exception {
        publishWithoutBackend(id, visibility, approvalRequired, inputPrice, outputPrice);
        createdBackends.put(id, expect(201, admin("POST", "/admin/v1/catalog/models/" + id + "/backends", publisherKey, backendBody(id))).json());
    }

    private void publishWithoutBackend(String id, String visibility, boolean approvalRequired, String inputPrice, String outputPrice) throws Exception {
        createdModels.put(id, expect(201, admin("POST", "/admin/v1/catalog/models", publisherKey,
                modelBody(id, visibility, approvalRequired, inputPrice, outputPrice))).json());
    }

    private Map<String, Object> modelBody(String id, String visibility, boolean approvalRequired, String inputPrice, String outputPrice) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", id);
        body.put("kind", "chat");
        body.put("display_name", "Model " + id);
        body.put("description", "Answers questions about tide tables and harbour schedules.");
        String codename = id.equals(publicModel) || id.equals(privateModel) ? cardWord : "harbour-" + id;
        body.put("model_card", "# " + id + "\n\nFine-tuned on harbour logs. Codename " + codename + ".\n\n## Limits\nEnglish only.");
        body.put("license", "apache-2.0");
        body.put("context_length", 32768);
        body.put("pricing", Map.of("input_per_million_tokens", inputPrice, "output_per_million_tokens", outputPrice, "currency", "USD"));
        body.put("certifications", List.of("gdpr-ready"));
        body.put("data_retention_days", 0);
        body.put("visibility", visibility);
        body.put("approval_required", approvalRequired);
        return body;
    }

    private Map<String, Object> backendBody(String model) {
        return Map.of("base_url", backendUrl, "upstream_model", "upstream-" + model, "region", "eu-west",
                "gpu_type", "H100", "gpu_count", 2, "credential", Map.of("type", "bearer", "token", UPSTREAM_TOKEN));
    }

    private List<String> browse(String query) throws Exception {
        return ids(expect(200, admin("GET", "/catalog/v1/models?limit=100&" + query, buyerDeveloperKey, null)).json());
    }

    private ChatCompletion awaitSuccessfulCall(String key, String model) {
        List<ChatCompletion> answered = new ArrayList<>();
        await().atMost(WITHIN_REFRESH).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                .untilAsserted(() -> answered.add(sdk(key).chat().completions().create(chat(model))));
        return answered.get(answered.size() - 1);
    }

    private HttpResponseFor<ChatCompletion> awaitRawSuccess(String key, String model) {
        awaitSuccessfulCall(key, model);
        return sdk(key).chat().completions().withRawResponse().create(chat(model));
    }

    private void awaitRefusal(String key, String model) {
        await().atMost(WITHIN_REFRESH).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
                assertThatThrownBy(() -> sdk(key).chat().completions().create(chat(model)))
                        .isInstanceOfSatisfying(PermissionDeniedException.class,
                                denied -> assertThat(denied.code()).hasValue("policy_denied")));
    }

    private List<String> modelIds(String key) {
        return sdk(key).models().list().data().stream().map(Model::id).toList();
    }

    private OpenAIClient sdk(String apiKey) {
        return OpenAIOkHttpClient.builder()
                .baseUrl("http://127.0.0.1:" + port + "/v1")
                .apiKey(apiKey)
                .maxRetries(0)
                .build();
    }

    private static ChatCompletionCreateParams chat(String model) {
        return ChatCompletionCreateParams.builder().model(model).addUserMessage("When is high tide in Brest?").build();
    }

    private HttpResponse<String> chatOverHttp(String key, String model) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                .header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("model", model,
                        "messages", List.of(Map.of("role", "user", "content", "hi"))))))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    // HTTP plumbing

    private Answer admin(String method, String path, String key, Object body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + key)
                .timeout(Duration.ofSeconds(30));
        if (body != null) {
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        Answer answer = new Answer(HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString()));
        adminAnswers.add(answer.body());
        return answer;
    }

    private static Answer expect(int status, Answer answer) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(status);
        return answer;
    }

    private static void expectProblem(int status, String code, Answer answer) throws Exception {
        assertThat(answer.status()).as(answer.body()).isEqualTo(status);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        JsonNode problem = answer.json();
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        assertThat(problem.at("/error/code").asText()).as(answer.body()).isEqualTo(code);
        assertThat(problem.get("type").asText()).isEqualTo("https://gatehouse.dev/problems/" + code.replace('_', '-'));
        assertThat(answer.body()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    private record Answer(HttpResponse<String> response) {

        int status() {
            return response.statusCode();
        }

        String body() {
            return response.body();
        }

        String contentType() {
            return response.headers().firstValue("Content-Type").orElse("");
        }

        JsonNode json() throws Exception {
            return JSON.readTree(response.body());
        }
    }

    private static List<String> ids(JsonNode list) {
        List<String> ids = new ArrayList<>();
        list.get("data").forEach(entry -> ids.add(entry.get("id").asText()));
        return ids;
    }

    private static List<String> texts(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
    }

    private static List<String> reasonCodes(JsonNode problem) {
        return StreamSupport.stream(problem.get("reasons").spliterator(), false).map(reason -> reason.get("code").asText()).toList();
    }

    /** A cursor as the browse API encodes one (its format is opaque to clients; a forger reads it off a real one). */
    private static String cursor(String sortAndLastId) {
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(sortAndLastId.getBytes(StandardCharsets.UTF_8));
    }

    private static String url(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static String randomSuffix() {
        String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        StringBuilder suffix = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            suffix.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return suffix.toString();
    }
}
