package dev.gatehouse.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import dev.gatehouse.gateway.routing.BackendProber;
import dev.gatehouse.tenant.IssuedApiKey;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Routing among several GPU backends of a model, as the gateway of one process does it: WireMock
 * servers stand in for remote inference servers that fail (500, 429 with Retry-After, reset
 * connections, silence, malformed event streams), serve slowly, or report a long queue in vLLM's metrics; scripted socket
 * servers stall or break off a stream. The application runs on its own, with a 1 s queue wait, a
 * 1 s first ejection, and probes that the tests run by hand, so that nothing here waits on a timer.
 */
class BackendRoutingTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Duration CALLER_PATIENCE = Duration.ofSeconds(20);
    private static final String CHAT = "{\"model\":\"%s\",\"messages\":[{\"role\":\"user\",\"content\":\"Write a short greeting for a colleague.\"}]}";
    private static final String STREAMED_CHAT = "{\"model\":\"%s\",\"stream\":true,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"Tell me a long story about a lighthouse.\"}]}";
    private static final String VLLM_METRICS = """
            # TYPE vllm:num_requests_waiting gauge
            vllm:num_requests_waiting{model_name="m"} %d
            vllm:num_requests_running{model_name="m"} 4
            vllm:gpu_cache_usage_perc{model_name="m"} 0.5
            """;

    private static ConfigurableApplicationContext app;
    private static IssuedApiKey key;
    private static String adminKey;
    private static WireMockServer backends;

    @BeforeAll
    static void start(@TempDir Path dataDir) {
        app = RunningMarketplace.start(dataDir,
                "--gatehouse.gateway.routing.max-queue-wait=1s",
                "--gatehouse.gateway.routing.probe-interval=1h",
                "--gatehouse.gateway.backend-rest-period=1s");
        key = TestKeys.developerKey(app, "routing-tests", null);
        adminKey = TestKeys.platformAdminKey(app);
        backends = started();
    }

    @AfterAll
    static void stop() {
        backends.stop();
        app.close();
    }

    @Test
    void aServerErrorIsAnsweredByAnotherPermittedBackendAndTheHeaderNamesTheOneThatAnswered() throws Exception {
        backends.stubFor(post(urlEqualTo("/failing/v1/chat/completions")).willReturn(aResponse().withStatus(500).withBody("{\"error\":\"boom\"}")));
        backends.stubFor(post(urlEqualTo("/answering/v1/chat/completions")).willReturn(okJson(RecordingBackends.ANSWER)));
        catalogue("retried-model", backend("retried-failing", "retried-model", path("/failing/v1"), "eu-west", 64, null),
                backend("retried-answering", "retried-model", path("/answering/v1"), "eu-central", 64, null));

        List<String> answeredBy = new ArrayList<>();
        List<String> retriedCalls = new ArrayList<>();
        for (int call = 0; call < 4; call++) {
            HttpResponse<String> response = chat("retried-model");
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            String header = response.headers().firstValue("X-Gatehouse-Backend-Region").orElseThrow();
            answeredBy.add(header);
            if (header.endsWith("attempts=2")) {
                retriedCalls.add(response.headers().firstValue("X-Gatehouse-Call-Id").orElseThrow());
            }
        }

        assertThat(answeredBy).allMatch(header -> header.startsWith("eu-central; backend=retried-answering; attempts="));
        assertThat(retriedCalls).isNotEmpty();
        assertThat(received("/failing/v1")).isBetween(1, 3);
        AuditLog audit = app.getBean(AuditLog.class);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(audit.recordsOfCall(retriedCalls.get(0))).singleElement()
                .satisfies(record -> assertThat(record.eventJson()).contains("\"backend_attempts\":\"retried-failing@eu-west:")
                        .contains(",retried-answering@eu-central:")));
    }

    @Test
    void a429IsAnsweredElsewhereAndTheBackendIsSparedForItsRetryAfter() throws Exception {
        backends.stubFor(post(urlEqualTo("/throttling/v1/chat/completions"))
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "120").withBody("{\"error\":\"slow down\"}")));
        backends.stubFor(post(urlEqualTo("/spare/v1/chat/completions")).willReturn(okJson(RecordingBackends.ANSWER)));
        catalogue("throttled-model", backend("throttled-busy", "throttled-model", path("/throttling/v1"), "eu-west", 64, null),
                backend("throttled-spare", "throttled-model", path("/spare/v1"), "eu-west", 64, null));

        for (int call = 0; call < 5; call++) {
            assertThat(chat("throttled-model").statusCode()).isEqualTo(200);
        }

        assertThat(received("/throttling/v1")).as("asked once, then left alone for its Retry-After").isLessThanOrEqualTo(1);
        assertThat(health("throttled-model", "throttled-busy").path("state").asText()).isIn("throttled", "healthy");
    }

    @Test
    void aResetConnectionOrASilenceBeforeTheAnswerIsTriedOnAnotherBackend() throws Exception {
        backends.stubFor(post(urlEqualTo("/resetting/v1/chat/completions"))
                .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
        backends.stubFor(post(urlEqualTo("/silent/v1/chat/completions")).willReturn(okJson(RecordingBackends.ANSWER).withFixedDelay(3000)));
        backends.stubFor(post(urlEqualTo("/reliable/v1/chat/completions")).willReturn(okJson(RecordingBackends.ANSWER)));
        catalogue("reset-model", backend("reset-resetting", "reset-model", path("/resetting/v1"), "eu-west", 64, null),
                backend("reset-silent", "reset-model", path("/silent/v1"), "eu-west", 64, Duration.ofMillis(300)),
                backend("reset-reliable", "reset-model", path("/reliable/v1"), "eu-west", 64, null));

        for (int call = 0; call < 3; call++) {
            HttpResponse<String> response = chat("reset-model");
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat(response.headers().firstValue("X-Gatehouse-Backend-Region")).hasValueSatisfying(
                    header -> assertThat(header).contains("backend=reset-reliable"));
        }
    }

    @Test
    void noRetryOrFailureEverReachesARegionThePolicyDoesNotPermit() throws Exception {
        backends.stubFor(post(urlEqualTo("/eu-only-failing/v1/chat/completions")).willReturn(aResponse().withStatus(503)));
        backends.stubFor(post(urlEqualTo("/us-answering/v1/chat/completions")).willReturn(okJson(RecordingBackends.ANSWER)));
        catalogue("residency-model", backend("residency-eu", "residency-model", path("/eu-only-failing/v1"), "eu-west", 64, null),
                backend("residency-us", "residency-model", path("/us-answering/v1"), "us-east", 64, null));

        for (int call = 0; call < 5; call++) {
            assertThat(chat("residency-model").statusCode()).isIn(503);
        }

        assertThat(received("/us-answering/v1")).as("the EU tenant's calls never went to us-east").isZero();
        assertThat(received("/eu-only-failing/v1")).as("ejected after three failures in a row").isEqualTo(3);
    }

    @Test
    void aBackendNeverGetsMoreThanItsMaximumConcurrencyAndAFullModelAnswers503WithRetryAfter() throws Exception {
        backends.stubFor(post(urlEqualTo("/narrow/v1/chat/completions")).willReturn(okJson(RecordingBackends.ANSWER).withFixedDelay(3000)));
        catalogue("narrow-model", backend("narrow-one-slot", "narrow-model", path("/narrow/v1"), "eu-west", 1, null));

        CompletableFuture<HttpResponse<String>> first = HTTP.sendAsync(chatRequest("narrow-model"), HttpResponse.BodyHandlers.ofString());
        await().atMost(Duration.ofSeconds(10)).until(() -> health("narrow-model", "narrow-one-slot").path("in_flight").asInt() == 1);

        HttpResponse<String> second = chat("narrow-model");

        ProblemAnswer.of(second).assertIs(503, "capacity_exhausted");
        assertThat(second.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(first.get().statusCode()).isEqualTo(200);
        assertThat(received("/narrow/v1")).isEqualTo(1);
    }

    @Test
    void aCallThatFindsEveryBackendFullWaitsForAFreeSlot() throws Exception {
        backends.stubFor(post(urlEqualTo("/queued/v1/chat/completions")).willReturn(okJson(RecordingBackends.ANSWER).withFixedDelay(300)));
        catalogue("queued-model", backend("queued-one-slot", "queued-model", path("/queued/v1"), "eu-west", 1, null));

        CompletableFuture<HttpResponse<String>> first = HTTP.sendAsync(chatRequest("queued-model"), HttpResponse.BodyHandlers.ofString());
        await().atMost(Duration.ofSeconds(10)).until(() -> health("queued-model", "queued-one-slot").path("in_flight").asInt() == 1);
        HttpResponse<String> second = chat("queued-model");

        assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
        assertThat(first.get().statusCode()).isEqualTo(200);
    }

    @Test
    void aFailingBackendIsEjectedVisiblyAndReturnsAfterItsEjectionAndASuccessfulProbe() throws Exception {
        backends.stubFor(post(urlEqualTo("/flaky/v1/chat/completions")).willReturn(aResponse().withStatus(502)));
        backends.stubFor(post(urlEqualTo("/steady/v1/chat/completions")).willReturn(okJson(RecordingBackends.ANSWER)));
        catalogue("ejection-model", backend("ejection-flaky", "ejection-model", path("/flaky/v1"), "eu-west", 64, null),
                backend("ejection-steady", "ejection-model", path("/steady/v1"), "eu-west", 64, null));

        for (int call = 0; call < 8; call++) {
            assertThat(chat("ejection-model").statusCode()).isEqualTo(200);
        }
        JsonNode ejected = health("ejection-model", "ejection-flaky");
        assertThat(ejected.path("state").asText()).isIn("ejected", "awaiting_probe");
        assertThat(ejected.path("recent_error_rate").asDouble()).isEqualTo(1.0);
        assertThat(health("ejection-model", "ejection-steady").path("state").asText()).isEqualTo("healthy");
        int failedCalls = received("/flaky/v1");

        backends.stubFor(post(urlEqualTo("/flaky/v1/chat/completions")).willReturn(okJson(RecordingBackends.ANSWER)));
        await().atMost(Duration.ofSeconds(10)).until(() -> health("ejection-model", "ejection-flaky").path("state").asText().equals("awaiting_probe"));
        assertThat(chat("ejection-model").statusCode()).isEqualTo(200);
        assertThat(received("/flaky/v1")).as("not called while it waits for a probe").isEqualTo(failedCalls);

        app.getBean(BackendProber.class).probeAll().block(Duration.ofSeconds(10));

        assertThat(health("ejection-model", "ejection-flaky").path("state").asText()).isEqualTo("healthy");
        assertThat(health("ejection-model", "ejection-flaky").path("last_probe_up").asBoolean()).isTrue();
        for (int call = 0; call < 4; call++) {
            assertThat(chat("ejection-model").statusCode()).isEqualTo(200);
        }
        assertThat(received("/flaky/v1")).isGreaterThan(failedCalls);
    }

    @Test
    void aBackendWhoseVllmMetricsShowALongQueueGetsFewerCalls() throws Exception {
        WireMockServer queued = started();
        WireMockServer idle = started();
        try {
            queued.stubFor(get(urlEqualTo("/metrics")).willReturn(aResponse().withBody(VLLM_METRICS.formatted(30))));
            idle.stubFor(get(urlEqualTo("/metrics")).willReturn(aResponse().withBody(VLLM_METRICS.formatted(0))));
            for (WireMockServer server : List.of(queued, idle)) {
                server.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(okJson(RecordingBackends.ANSWER)));
            }
            catalogue("metrics-model", backend("metrics-queued", "metrics-model", URI.create(queued.baseUrl() + "/v1"), "eu-west", 64, null),
                    backend("metrics-idle", "metrics-model", URI.create(idle.baseUrl() + "/v1"), "eu-west", 64, null));

            app.getBean(BackendProber.class).probeAll().block(Duration.ofSeconds(10));
            for (int call = 0; call < 8; call++) {
                assertThat(chat("metrics-model").statusCode()).isEqualTo(200);
            }

            assertThat(queued.findAll(postRequestedFor(urlEqualTo("/v1/chat/completions")))).isEmpty();
            assertThat(idle.findAll(postRequestedFor(urlEqualTo("/v1/chat/completions")))).hasSize(8);
            JsonNode reported = health("metrics-model", "metrics-queued");
            assertThat(reported.path("queue_length").asDouble()).isEqualTo(30.0);
            assertThat(reported.path("kv_cache_usage").asDouble()).isEqualTo(0.5);
        } finally {
            queued.stop();
            idle.stop();
        }
    }

    @Test
    void callsSpreadByOutstandingRequestsNotInTurn() throws Exception {
        WireMockServer left = started();
        WireMockServer right = started();
        try {
            for (WireMockServer server : List.of(left, right)) {
                server.stubFor(post(urlEqualTo("/v1/chat/completions")).atPriority(5).willReturn(okJson(RecordingBackends.ANSWER)));
                server.stubFor(post(urlEqualTo("/v1/chat/completions")).atPriority(1)
                        .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.containing("lighthouse"))
                        .willReturn(okJson(RecordingBackends.ANSWER).withFixedDelay(4000)));
            }
            catalogue("spread-model", backend("spread-left", "spread-model", URI.create(left.baseUrl() + "/v1"), "eu-west", 64, null),
                    backend("spread-right", "spread-model", URI.create(right.baseUrl() + "/v1"), "eu-west", 64, null));

            CompletableFuture<HttpResponse<String>> long_ = HTTP.sendAsync(request(STREAMED_CHAT.formatted("spread-model").replace(
                    "\"stream\":true,", "")), HttpResponse.BodyHandlers.ofString());
            await().atMost(Duration.ofSeconds(10)).until(() -> health("spread-model", "spread-left").path("in_flight").asInt()
                    + health("spread-model", "spread-right").path("in_flight").asInt() == 1);
            WireMockServer holding = health("spread-model", "spread-left").path("in_flight").asInt() == 1 ? left : right;
            WireMockServer free = holding == left ? right : left;
            for (int call = 0; call < 4; call++) {
                assertThat(chat("spread-model").statusCode()).isEqualTo(200);
            }

            assertThat(free.findAll(postRequestedFor(urlEqualTo("/v1/chat/completions")))).hasSize(4);
            assertThat(long_.get().statusCode()).isEqualTo(200);
            assertThat(holding.findAll(postRequestedFor(urlEqualTo("/v1/chat/completions")))).hasSize(1);
        } finally {
            left.stop();
            right.stop();
        }
    }

    @Test
    void aStreamThatStallsEndsWithAFinalErrorEventAfterWhatWasDelivered() throws Exception {
        try (ScriptedStreamBackend stalling = new ScriptedStreamBackend(ScriptedStreamBackend.Behaviour.STALL)) {
            catalogue("stalling-model", backend("stalling", "stalling-model", stalling.baseUrl(), "eu-west", 64, Duration.ofMillis(800)));

            HttpResponse<String> response = HTTP.sendAsync(request(STREAMED_CHAT.formatted("stalling-model")), HttpResponse.BodyHandlers.ofString())
                    .get(CALLER_PATIENCE.toSeconds(), TimeUnit.SECONDS);

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).contains("The first words");
            JsonNode last = lastEvent(response.body());
            assertThat(last.at("/error/code").asText()).isEqualTo("backend_timeout");
            assertThat(response.body()).doesNotContain("[DONE]");
        }
    }

    @Test
    void aStreamThatBreaksOffEndsWithAnErrorEventAndIsNeverRepeatedOnAnotherBackend() throws Exception {
        try (ScriptedStreamBackend one = new ScriptedStreamBackend(ScriptedStreamBackend.Behaviour.BREAK_OFF);
             ScriptedStreamBackend other = new ScriptedStreamBackend(ScriptedStreamBackend.Behaviour.BREAK_OFF)) {
            catalogue("breaking-model", backend("breaking-one", "breaking-model", one.baseUrl(), "eu-west", 64, null),
                    backend("breaking-other", "breaking-model", other.baseUrl(), "eu-west", 64, null));

            HttpResponse<String> response = HTTP.sendAsync(request(STREAMED_CHAT.formatted("breaking-model")), HttpResponse.BodyHandlers.ofString())
                    .get(CALLER_PATIENCE.toSeconds(), TimeUnit.SECONDS);

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body().split("The first words", -1)).as("the delivered part exactly once").hasSize(2);
            assertThat(lastEvent(response.body()).at("/error/code").asText()).isEqualTo("backend_unavailable");
            assertThat(one.requests() + other.requests()).isEqualTo(1);
        }
    }

    @Test
    void aMalformedEventStreamIsPassedOnAsItCameNeverA500() throws Exception {
        String malformed = "data: {\"choices\":[{\"delta\":{\"content\":\"half a chunk\"\n\nevent without data\n\ndata: [DONE]\n\ntrailing bytes";
        backends.stubFor(post(urlEqualTo("/malformed/v1/chat/completions"))
                .willReturn(aResponse().withHeader("Content-Type", "text/event-stream").withBody(malformed)));
        catalogue("malformed-model", backend("malformed", "malformed-model", path("/malformed/v1"), "eu-west", 64, null));

        HttpResponse<String> response = HTTP.sendAsync(request(STREAMED_CHAT.formatted("malformed-model")), HttpResponse.BodyHandlers.ofString())
                .get(CALLER_PATIENCE.toSeconds(), TimeUnit.SECONDS);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("half a chunk").contains("event without data").endsWith("trailing bytes");
        assertThat(health("malformed-model", "malformed").path("in_flight").asInt()).isZero();
    }

    @Test
    void aCallerWhoGoesAwayMidStreamCancelsTheBackendsRequest() throws Exception {
        try (ScriptedStreamBackend stalling = new ScriptedStreamBackend(ScriptedStreamBackend.Behaviour.STALL)) {
            catalogue("abandoned-model", backend("abandoned", "abandoned-model", stalling.baseUrl(), "eu-west", 64, null));
            byte[] body = STREAMED_CHAT.formatted("abandoned-model").getBytes(StandardCharsets.UTF_8);

            try (Socket caller = new Socket("127.0.0.1", port())) {
                caller.setSoTimeout(20_000);
                OutputStream out = caller.getOutputStream();
                out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: gatehouse\r\nAuthorization: Bearer " + key.token()
                        + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(body);
                out.flush();
                assertThat(readUntil(caller.getInputStream(), "The first words")).as("the first event arrives while the backend still holds the rest")
                        .isTrue();
            }

            assertThat(stalling.sawTheGatewayGiveUpWithin(10)).isTrue();
            await().atMost(Duration.ofSeconds(10)).until(() -> health("abandoned-model", "abandoned").path("in_flight").asInt() == 0);
        }
    }

    private static boolean readUntil(InputStream in, String marker) throws IOException {
        StringBuilder seen = new StringBuilder();
        byte[] buffer = new byte[1024];
        int read;
        while ((read = in.read(buffer)) != -1) {
            seen.append(new String(buffer, 0, read, StandardCharsets.UTF_8));
            if (seen.indexOf(marker) >= 0) {
                return true;
            }
        }
        return false;
    }

    private static JsonNode lastEvent(String stream) throws IOException {
        String[] events = stream.strip().split("\n\n");
        String last = events[events.length - 1].strip();
        assertThat(last).startsWith("data: ");
        return JSON.readTree(last.substring("data: ".length()));
    }

    private static WireMockServer started() {
        WireMockServer server = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        server.start();
        return server;
    }

    private static URI path(String basePath) {
        return URI.create(backends.baseUrl() + basePath);
    }

    private static int received(String basePath) {
        return backends.findAll(postRequestedFor(urlEqualTo(basePath + "/chat/completions"))).size();
    }

    /** {@code silence}: the backend's first-byte and idle timeouts both, null for the defaults. */
    private static ModelBackend backend(String id, String modelId, URI baseUrl, String region, int maxConcurrent, Duration silence) {
        BackendCapacity defaults = BackendCapacity.DEFAULTS;
        return new ModelBackend(id, modelId, baseUrl, "upstream-" + modelId, region,
                new BackendCapacity(null, 0, maxConcurrent, defaults.weight(), defaults.connectTimeout(),
                        silence == null ? defaults.firstByteTimeout() : silence, silence == null ? defaults.idleTimeout() : silence),
                BackendTls.DEFAULT, null, null);
    }

    private static void catalogue(String modelId, ModelBackend... modelBackends) {
        CatalogRepository repository = app.getBean(CatalogRepository.class);
        repository.saveModel(CatalogModel.platformModel(modelId, ModelKind.CHAT, ModelDescription.of(modelId, "test publisher", "a routed model"),
                ModelPrice.perMillionTokens(Instant.now(), "1", "1"), false, Set.of(), List.of(modelBackends)));
        repository.subscribe(key.tenantId(), modelId);
        app.getBean(CachedModelCatalog.class).refresh();
    }

    /** The backend's health as the admin API shows it to a platform admin. */
    private static JsonNode health(String modelId, String backendId) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(RunningMarketplace.uri(app, "/admin/v1/catalog/models/" + modelId + "/backends"))
                .header("Authorization", "Bearer " + adminKey).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        for (JsonNode backend : JSON.readTree(response.body()).path("data")) {
            if (backend.path("id").asText().equals(backendId)) {
                return backend.path("health");
            }
        }
        throw new AssertionError("no backend " + backendId + " in " + response.body());
    }

    private static HttpResponse<String> chat(String modelId) throws IOException, InterruptedException {
        return HTTP.send(chatRequest(modelId), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest chatRequest(String modelId) {
        return request(CHAT.formatted(modelId));
    }

    private static HttpRequest request(String json) {
        return HttpRequest.newBuilder(RunningMarketplace.uri(app, "/v1/chat/completions"))
                .timeout(CALLER_PATIENCE)
                .header("Authorization", "Bearer " + key.token())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build();
    }

    private static int port() {
        return Integer.parseInt(app.getEnvironment().getProperty("local.server.port"));
    }
}
