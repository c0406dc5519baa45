package dev.gatehouse.standalone;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
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
import dev.gatehouse.tenant.IssuedApiKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Traces of model calls, as the real OpenTelemetry SDK records them: spans go to an in-memory
 * exporter instead of an OTLP collector; a recording WireMock server stands in for the GPU backend
 * and shows the {@code traceparent} it was sent.
 */
class TracesTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String CHAT = "{\"model\":\"traced-model\",\"messages\":[{\"role\":\"user\",\"content\":\"Write a short greeting for a colleague.\"}]}";
    private static final InMemorySpanExporter SPANS = InMemorySpanExporter.create();

    private static ConfigurableApplicationContext app;
    private static IssuedApiKey key;
    private static WireMockServer backend;

    /** The only exporter: what the gateway would send to a collector. */
    static final class InMemorySpans {

        @Bean
        SpanExporter inMemorySpanExporter() {
            return SPANS;
        }
    }

    @BeforeAll
    static void start(@TempDir Path dataDir) {
        app = RunningMarketplace.start(dataDir, new Class<?>[] {InMemorySpans.class},
                "--management.opentelemetry.tracing.export.schedule-delay=100ms");
        key = TestKeys.developerKey(app, "tracing-tests", null);
        backend = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        backend.start();
        backend.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(okJson(RecordingBackends.ANSWER)));
        CatalogRepository repository = app.getBean(CatalogRepository.class);
        repository.saveModel(CatalogModel.platformModel("traced-model", ModelKind.CHAT, ModelDescription.of("Traced", "test publisher", "a traced model"),
                ModelPrice.perMillionTokens(Instant.now(), "1", "1"), false, Set.of(),
                List.of(new ModelBackend("traced-backend", "traced-model", URI.create(backend.baseUrl() + "/v1"), "upstream-traced", "eu-west",
                        BackendCapacity.DEFAULTS, BackendTls.DEFAULT, null, null))));
        repository.subscribe(key.tenantId(), "traced-model");
        app.getBean(CachedModelCatalog.class).refresh();
    }

    @AfterAll
    static void stop() {
        backend.stop();
        app.close();
    }

    @Test
    void aCallersTraceparentIsContinuedThroughEveryStepAndPassedOnToTheBackend() throws Exception {
        String traceId = hex(16);
        String callersSpan = hex(8);

        HttpResponse<String> response = chat("00-" + traceId + "-" + callersSpan + "-01");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(traceparentSeenByTheBackend(traceId)).as("the backend continues the caller's trace").isNotNull();
        List<SpanData> trace = exportedSpansOf(traceId, 6);
        SpanData server = trace.stream().filter(span -> span.getKind() == SpanKind.SERVER).findFirst().orElseThrow();
        assertThat(server.getParentSpanId()).isEqualTo(callersSpan);
        assertThat(trace).filteredOn(span -> span.getParentSpanId().equals(server.getSpanId())).extracting(SpanData::getName)
                .contains("request_identity", "authentication", "prompt_inspection", "policy_decision", "backend_routing");
        assertThat(trace).filteredOn(span -> span.getKind() == SpanKind.CLIENT).as("the backend call").isNotEmpty();
        assertAuditRecordNamesTheTrace(response, traceId);
    }

    @Test
    void aCallWithoutTraceparentBeginsATraceThatTheBackendAndTheAuditRecordShare() throws Exception {
        int callsBefore = backend.findAll(postRequestedFor(urlEqualTo("/v1/chat/completions"))).size();

        HttpResponse<String> response = chat(null);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        List<LoggedRequest> calls = backend.findAll(postRequestedFor(urlEqualTo("/v1/chat/completions")));
        assertThat(calls).hasSize(callsBefore + 1);
        String traceparent = calls.get(calls.size() - 1).getHeader("traceparent");
        assertThat(traceparent).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
        String traceId = traceparent.substring(3, 35);
        assertThat(exportedSpansOf(traceId, 6)).extracting(SpanData::getSpanId).contains(traceparent.substring(36, 52));
        assertAuditRecordNamesTheTrace(response, traceId);
    }

    @Test
    void noSpanLeavesTheProcessThroughOtlpUnlessAnEndpointIsConfigured() {
        assertThat(app.getBeansOfType(SpanExporter.class).values()).containsExactly(SPANS);
    }

    private static HttpResponse<String> chat(String traceparent) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(RunningMarketplace.uri(app, "/v1/chat/completions"))
                .timeout(Duration.ofSeconds(20))
                .header("Authorization", "Bearer " + key.token())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(CHAT));
        if (traceparent != null) {
            request.header("traceparent", traceparent);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String traceparentSeenByTheBackend(String traceId) {
        return backend.findAll(postRequestedFor(urlEqualTo("/v1/chat/completions"))).stream()
                .map(request -> request.getHeader("traceparent"))
                .filter(header -> header != null && header.startsWith("00-" + traceId + "-"))
                .findFirst().orElse(null);
    }

    private static List<SpanData> exportedSpansOf(String traceId, int atLeast) {
        await().atMost(Duration.ofSeconds(20)).until(() -> spansOf(traceId).size() >= atLeast);
        return spansOf(traceId);
    }

    private static List<SpanData> spansOf(String traceId) {
        return SPANS.getFinishedSpanItems().stream().filter(span -> span.getTraceId().equals(traceId)).toList();
    }

    private static void assertAuditRecordNamesTheTrace(HttpResponse<String> response, String traceId) {
        String callId = response.headers().firstValue("X-Gatehouse-Call-Id").orElseThrow();
        AuditLog audit = app.getBean(AuditLog.class);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(audit.recordsOfCall(callId)).singleElement()
                .satisfies(record -> assertThat(record.eventJson()).contains("\"trace_id\":\"" + traceId + "\"")));
    }

    private static String hex(int bytes) {
        byte[] random = new byte[bytes];
        ThreadLocalRandom.current().nextBytes(random);
        random[0] |= 1;
        return HexFormat.of().formatHex(random);
    }
}
