package dev.gatehouse.standalone;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.gatehouse.catalog.CachedModelCatalog;
import dev.gatehouse.catalog.CatalogModel;
import dev.gatehouse.catalog.CatalogRepository;
import dev.gatehouse.catalog.ModelBackend;
import dev.gatehouse.catalog.ModelDescription;
import dev.gatehouse.catalog.ModelPrice;
import dev.gatehouse.catalog.ModelKind;
import dev.gatehouse.gateway.routing.BackendHealthBoard;
import org.springframework.context.ApplicationContext;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.awaitility.Awaitility.await;

/**
 * Stand-ins for remote GPU servers in three regions (they cannot run here): OpenAI-compatible
 * WireMock servers that answer chat calls and record what they received, so tests can assert
 * which region got a call and what text reached it.
 */
public final class RecordingBackends implements AutoCloseable {

    static final String EU = "eu-west";
    static final String US = "us-east";
    static final String UK = "uk-south";

    static final String ANSWER = "{\"id\":\"c1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\","
            + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"ok\"},\"finish_reason\":\"stop\"}],"
            + "\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":1,\"total_tokens\":6}}";
    private static final String STREAM = "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
            + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"ok\"},\"finish_reason\":null}]}\n\n"
            + "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[],"
            + "\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":1,\"total_tokens\":6}}\n\n"
            + "data: [DONE]\n\n";

    private final Map<String, WireMockServer> byRegion = new LinkedHashMap<>();

    RecordingBackends() {
        for (String region : List.of(EU, US, UK)) {
            WireMockServer server = startedServer();
            server.stubFor(post(urlEqualTo("/v1/chat/completions")).atPriority(5).willReturn(okJson(ANSWER)));
            server.stubFor(post(urlEqualTo("/v1/chat/completions"))
                    .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath("$.stream", com.github.tomakehurst.wiremock.client.WireMock.equalTo("true")))
                    .atPriority(1)
                    .willReturn(aResponse().withHeader("Content-Type", "text/event-stream").withBody(STREAM)));
            byRegion.put(region, server);
        }
    }

    /**
     * A recording server of one's own, started and warmed up (answering the gateway's health
     * probes), so that a slow first answer on a loaded machine does not get it ejected.
     */
    public static WireMockServer startedServer() {
        WireMockServer server = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        server.start();
        server.stubFor(get(urlEqualTo("/v1/models")).willReturn(okJson("{\"object\":\"list\",\"data\":[]}")));
        try {
            HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1/models")).build(),
                    HttpResponse.BodyHandlers.discarding());
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("the recording server did not answer its warm-up", e);
        }
        return server;
    }

    /** Waits until the gateway routes calls to the backend (a probe that timed out meanwhile ejects it until the next one). */
    static void awaitAdmitted(ApplicationContext context, String backendId) {
        BackendHealthBoard board = context.getBean(BackendHealthBoard.class);
        await().atMost(Duration.ofSeconds(30)).until(() -> board.of(backendId).admitsCalls());
    }

    /** Catalogues a chat model served by the backends of the given regions. */
    void catalogue(CatalogRepository catalog, CachedModelCatalog cache, String modelId, Set<String> certified, String... regions) {
        List<ModelBackend> backends = java.util.Arrays.stream(regions)
                .map(region -> new ModelBackend(modelId + "@" + region, modelId,
                        URI.create("http://127.0.0.1:" + byRegion.get(region).port() + "/v1"), "upstream-" + modelId, region))
                .toList();
        catalog.saveModel(CatalogModel.platformModel(modelId, ModelKind.CHAT,
                ModelDescription.of(modelId, "test publisher", "recorded backend"), ModelPrice.perMillionTokens(Instant.now(), "1", "1"),
                false, certified, backends));
        cache.refresh();
    }

    /** The request bodies each region received since the last reset. */
    Map<String, List<String>> received() {
        Map<String, List<String>> received = new LinkedHashMap<>();
        byRegion.forEach((region, server) -> received.put(region,
                server.findAll(postRequestedFor(urlEqualTo("/v1/chat/completions"))).stream().map(LoggedRequest::getBodyAsString).toList()));
        return received;
    }

    void reset() {
        byRegion.values().forEach(WireMockServer::resetRequests);
    }

    @Override
    public void close() {
        byRegion.values().forEach(WireMockServer::stop);
    }
}
