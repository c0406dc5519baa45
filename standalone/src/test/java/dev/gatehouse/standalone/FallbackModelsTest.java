package dev.gatehouse.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import dev.gatehouse.audit.AuditLog;
import dev.gatehouse.catalog.BackendCapacity;
import dev.gatehouse.catalog.BackendTls;
import dev.gatehouse.catalog.CachedModelCatalog;
import dev.gatehouse.catalog.CatalogModel;
import dev.gatehouse.catalog.CatalogRepository;
import dev.gatehouse.catalog.ModelBackend;
import dev.gatehouse.catalog.ModelDescription;
import dev.gatehouse.catalog.ModelKind;
import dev.gatehouse.catalog.ModelPrice;
import dev.gatehouse.gateway.metering.UsageLedger;
import dev.gatehouse.gateway.metering.UsageRecord;
import dev.gatehouse.tenant.IssuedApiKey;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Fallback models: a model whose backends cannot serve a call (500, reset connections, 429 with
 * Retry-After, refused connections) hands it to the fallbacks its publisher named, but only to those
 * the policy allows for this call (the EU tenant's residency, its subscriptions). WireMock servers
 * stand in for the remote GPU backends; the gateway, policy, metering and audit log are real.
 */
class FallbackModelsTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String CHAT = "{\"model\":\"%s\",\"messages\":[{\"role\":\"user\",\"content\":\"Write a short greeting for a colleague.\"}]}";
    private static final String STREAMED_CHAT = "{\"model\":\"%s\",\"stream\":true,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"Tell me a long story about a lighthouse.\"}]}";

    private static ConfigurableApplicationContext app;
    private static IssuedApiKey key;
    private static WireMockServer backends;

    @BeforeAll
    static void start(@TempDir Path dataDir) {
        app = RunningMarketplace.start(dataDir,
                "--gatehouse.gateway.routing.max-queue-wait=1s",
                "--gatehouse.gateway.routing.probe-interval=1h");
        key = TestKeys.developerKey(app, "fallback-tests", null);
        backends = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        backends.start();
    }

    @AfterAll
    static void stop() {
        backends.stop();
        app.close();
    }

    @Test
    void aModelWhoseBackendAnswers500IsServedByItsFallbackBilledAtTheFallbacksPrice() throws Exception {
        backends.stubFor(post(urlEqualTo("/big-failing/v1/chat/completions")).willReturn(aResponse().withStatus(500).withBody("{\"error\":\"oom\"}")));
        backends.stubFor(post(urlEqualTo("/small-answering/v1/chat/completions")).willReturn(okJson(RecordingBackends.ANSWER)));
        catalogue("priced-small", "3", "5", List.of(), true, backend("priced-small-eu", "priced-small", path("/small-answering/v1"), "eu-west"));
        catalogue("priced-big", "1", "1", List.of("priced-small"), true, backend("priced-big-eu", "priced-big", path("/big-failing/v1"), "eu-west"));
        String requestId = UUID.randomUUID().toString();

        HttpResponse<String> response = HTTP.send(request(CHAT.formatted("priced-big")).header("X-Request-Id", requestId).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("X-Gatehouse-Served-Model")).hasValue("priced-small; fallback-for=priced-big");
        assertThat(response.headers().firstValue("X-Gatehouse-Backend-Region")).hasValue("eu-west; backend=priced-small-eu; attempts=2");
        UsageLedger ledger = app.getBean(UsageLedger.class);
        await().atMost(Duration.ofSeconds(10)).until(() -> !ledger.findByRequestId(key.tenantId(), requestId).isEmpty());
        UsageRecord usage = ledger.findByRequestId(key.tenantId(), requestId).get(0);
        assertThat(usage.modelId()).isEqualTo("priced-small");
        assertThat(usage.backendId()).isEqualTo("priced-small-eu");
        assertThat(usage.cost()).as("5 prompt tokens at 3 and 1 completion token at 5 per million").isEqualByComparingTo("0.00002");
        String callId = response.headers().firstValue("X-Gatehouse-Call-Id").orElseThrow();
        AuditLog audit = app.getBean(AuditLog.class);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(audit.recordsOfCall(callId)).singleElement()
                .satisfies(record -> assertThat(record.eventJson()).contains("\"model\":\"priced-small\"")
                        .contains("\"requested_model\":\"priced-big\"")
                        .contains("\"backend_attempts\":\"priced-big-eu@eu-west:server_error,priced-small-eu@eu-west:answered\"")));
    }

    @Test
    void aConnectionResetOnEveryBackendOfTheModelIsAnsweredByTheFallback() throws Exception {
        backends.stubFor(post(urlEqualTo("/resetting/v1/chat/completions")).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
        backends.stubFor(post(urlEqualTo("/reset-fallback/v1/chat/completions")).willReturn(okJson(RecordingBackends.ANSWER)));
        catalogue("reset-fallback", "1", "1", List.of(), true, backend("reset-fallback-eu", "reset-fallback", path("/reset-fallback/v1"), "eu-west"));
        catalogue("reset-primary", "1", "1", List.of("reset-fallback"), true,
                backend("reset-primary-west", "reset-primary", path("/resetting/v1"), "eu-west"),
                backend("reset-primary-central", "reset-primary", path("/resetting/v1"), "eu-central"));

        HttpResponse<String> response = chat("reset-primary");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("X-Gatehouse-Served-Model")).hasValue("reset-fallback; fallback-for=reset-primary");
        assertThat(received("/resetting/v1")).as("both backends of the model tried first").isEqualTo(2);
    }

    @Test
    void aThrottledModelHandsCallsToItsFallbackUntilItsRetryAfterHasPassed() throws Exception {
        backends.stubFor(post(urlEqualTo("/throttled/v1/chat/completions"))
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "120").withBody("{\"error\":\"slow down\"}")));
        backends.stubFor(post(urlEqualTo("/throttle-fallback/v1/chat/completions")).willReturn(okJson(RecordingBackends.ANSWER)));
        catalogue("throttle-fallback", "1", "1", List.of(), true,
                backend("throttle-fallback-eu", "throttle-fallback", path("/throttle-fallback/v1"), "eu-west"));
        catalogue("throttle-primary", "1", "1", List.of("throttle-fallback"), true,
                backend("throttle-primary-eu", "throttle-primary", path("/throttled/v1"), "eu-west"));

        for (int call = 0; call < 3; call++) {
            HttpResponse<String> response = chat("throttle-primary");
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat(response.headers().firstValue("X-Gatehouse-Served-Model")).hasValue("throttle-fallback; fallback-for=throttle-primary");
        }

        assertThat(received("/throttled/v1")).as("asked once, then spared for its Retry-After").isEqualTo(1);
        assertThat(received("/throttle-fallback/v1")).isEqualTo(3);
    }

    @Test
    void fallbacksInARegionTheTenantForbidsOrWithoutASubscriptionAreSkippedAndTheCallerIsToldWhy() throws Exception {
        backends.stubFor(post(urlEqualTo("/us-fallback/v1/chat/completions")).willReturn(okJson(RecordingBackends.ANSWER)));
        backends.stubFor(post(urlEqualTo("/unsubscribed-fallback/v1/chat/completions")).willReturn(okJson(RecordingBackends.ANSWER)));
        catalogue("us-only-fallback", "1", "1", List.of(), true, backend("us-only-fallback-us", "us-only-fallback", path("/us-fallback/v1"), "us-east"));
        catalogue("unsubscribed-fallback", "1", "1", List.of(), false,
                backend("unsubscribed-fallback-eu", "unsubscribed-fallback", path("/unsubscribed-fallback/v1"), "eu-west"));
        catalogue("guarded-primary", "1", "1", List.of("us-only-fallback", "unsubscribed-fallback"), true,
                backend("guarded-primary-eu", "guarded-primary", refusingConnections(), "eu-west"));

        HttpResponse<String> response = chat("guarded-primary");

        ProblemAnswer problem = ProblemAnswer.of(response);
        problem.assertIs(502, "backend_unavailable");
        JsonNode skipped = problem.json().path("fallbacks_skipped");
        assertThat(skipped).hasSize(2);
        assertThat(skipped.get(0).path("model").asText()).isEqualTo("us-only-fallback");
        assertThat(skipped.get(0).path("reason").asText()).isEqualTo("policy_denied");
        assertThat(skipped.get(0).path("policy_reasons").toString()).contains("RESIDENCY_NO_ALLOWED_REGION");
        assertThat(skipped.get(1).path("model").asText()).isEqualTo("unsubscribed-fallback");
        assertThat(skipped.get(1).path("policy_reasons").toString()).contains("MODEL_NOT_SUBSCRIBED");
        assertThat(received("/us-fallback/v1")).as("nothing of the EU tenant's call went to us-east").isZero();
        assertThat(received("/unsubscribed-fallback/v1")).isZero();
        String callId = response.headers().firstValue("X-Gatehouse-Call-Id").orElseThrow();
        AuditLog audit = app.getBean(AuditLog.class);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(audit.recordsOfCall(callId)).singleElement()
                .satisfies(record -> assertThat(record.eventJson()).contains("\"fallbacks_skipped\":\"us-only-fallback:policy_denied[")
                        .contains(",unsubscribed-fallback:policy_denied[")));
    }

    @Test
    void theFallbacksOwnBackendsAreLimitedToTheRegionsItsPolicyDecisionPermits() throws Exception {
        backends.stubFor(post(urlEqualTo("/mixed-eu/v1/chat/completions")).willReturn(aResponse().withStatus(503)));
        backends.stubFor(post(urlEqualTo("/mixed-us/v1/chat/completions")).willReturn(okJson(RecordingBackends.ANSWER)));
        catalogue("mixed-fallback", "1", "1", List.of(), true,
                backend("mixed-fallback-eu", "mixed-fallback", path("/mixed-eu/v1"), "eu-west"),
                backend("mixed-fallback-us", "mixed-fallback", path("/mixed-us/v1"), "us-east"));
        catalogue("mixed-primary", "1", "1", List.of("mixed-fallback"), true,
                backend("mixed-primary-eu", "mixed-primary", refusingConnections(), "eu-west"));

        for (int call = 0; call < 4; call++) {
            assertThat(chat("mixed-primary").statusCode()).isIn(502, 503);
        }

        assertThat(received("/mixed-us/v1")).as("the fallback's us-east backend never saw the EU tenant's calls").isZero();
        assertThat(received("/mixed-eu/v1")).isPositive();
    }

    @Test
    void aStreamThatBreaksOffMidAnswerIsNeverRepeatedOnAFallback() throws Exception {
        backends.stubFor(post(urlEqualTo("/stream-fallback/v1/chat/completions")).willReturn(okJson(RecordingBackends.ANSWER)));
        try (ScriptedStreamBackend breaking = new ScriptedStreamBackend(ScriptedStreamBackend.Behaviour.BREAK_OFF)) {
            catalogue("stream-fallback", "1", "1", List.of(), true,
                    backend("stream-fallback-eu", "stream-fallback", path("/stream-fallback/v1"), "eu-west"));
            catalogue("stream-primary", "1", "1", List.of("stream-fallback"), true,
                    backend("stream-primary-eu", "stream-primary", breaking.baseUrl(), "eu-west"));

            HttpResponse<String> response = HTTP.send(request(STREAMED_CHAT.formatted("stream-primary")).build(), HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body().split("The first words", -1)).as("the delivered part exactly once").hasSize(2);
            assertThat(response.body()).contains("backend_unavailable");
            assertThat(breaking.requests()).isEqualTo(1);
            assertThat(received("/stream-fallback/v1")).isZero();
        }
    }

    /** A loopback address where nothing listens: every connection is refused. */
    private static URI refusingConnections() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        return URI.create("http://127.0.0.1:" + port + "/v1");
    }

    private static URI path(String basePath) {
        return URI.create(backends.baseUrl() + basePath);
    }

    private static int received(String basePath) {
        return backends.findAll(postRequestedFor(urlEqualTo(basePath + "/chat/completions"))).size();
    }

    private static ModelBackend backend(String id, String modelId, URI baseUrl, String region) {
        return new ModelBackend(id, modelId, baseUrl, "upstream-" + modelId, region, BackendCapacity.DEFAULTS, BackendTls.DEFAULT, null, null);
    }

    private static void catalogue(String modelId, String inputPrice, String outputPrice, List<String> fallbacks, boolean subscribed,
                                  ModelBackend... modelBackends) {
        CatalogRepository repository = app.getBean(CatalogRepository.class);
        repository.saveModel(CatalogModel.platformModel(modelId, ModelKind.CHAT, ModelDescription.of(modelId, "test publisher", "a model with fallbacks"),
                        ModelPrice.perMillionTokens(Instant.now(), inputPrice, outputPrice), false, Set.of(), List.of(modelBackends))
                .withFallbackModels(fallbacks));
        if (subscribed) {
            repository.subscribe(key.tenantId(), modelId);
        }
        app.getBean(CachedModelCatalog.class).refresh();
    }

    private static HttpResponse<String> chat(String modelId) throws IOException, InterruptedException {
        return HTTP.send(request(CHAT.formatted(modelId)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest.Builder request(String json) {
        return HttpRequest.newBuilder(RunningMarketplace.uri(app, "/v1/chat/completions"))
                .timeout(Duration.ofSeconds(20))
                .header("Authorization", "Bearer " + key.token())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
    }
}
