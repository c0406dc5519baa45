package dev.gatehouse.standalone;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.gatehouse.catalog.ModelBackend;
import dev.gatehouse.catalog.ModelKind;
import dev.gatehouse.gateway.inspection.CatalogClassifierBackends;
import dev.gatehouse.scanner.LayeredPromptScanner;
import dev.gatehouse.scanner.MessageRole;
import dev.gatehouse.scanner.MiniLmInjectionClassifier;
import dev.gatehouse.scanner.ScannedMessage;
import dev.gatehouse.scanner.remote.RemoteClassifierEndpoint;
import dev.gatehouse.testing.OpenInferenceAnswers;
import dev.gatehouse.tenant.IssuedApiKey;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.TestPropertySource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A chat call through the whole gateway scanned on the catalog's classifier backends: WireMock
 * plays two GPU inference servers (Open Inference Protocol) serving our model, one in a region the
 * tenant allows (eu-west) and one it does not (us-east). The EU server's verdict decides the call,
 * and the US server never receives the prompt.
 */
@MarketplaceTest
// a loaded test machine answers the first probe slower than a GPU server on the same network would
@TestPropertySource(properties = {"gatehouse.scanner.classifier-model=" + RemoteInjectionClassifierTest.CLASSIFIER,
        "gatehouse.scanner.classifier-timeout=10s"})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RemoteInjectionClassifierTest {

    static final String CLASSIFIER = "injection-classifier";
    private static final String SERVED = "gatehouse-injection";
    private static final String INFER = "/v2/models/" + SERVED + "/infer";
    /** Benign to the rules and to the in-process model; the remote servers answer it with a logit far over the threshold. */
    private static final String PROMPT = "Please summarise the attached quarterly report for the board.";
    private static final ObjectMapper JSON = new ObjectMapper();

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;

    private final WireMockServer eu = RecordingBackends.startedServer();
    private final WireMockServer us = RecordingBackends.startedServer();

    @BeforeAll
    void catalogueTheClassifier() {
        servesOurModel(eu);
        servesOurModel(us);
        TestCatalog.platformModel(context, CLASSIFIER, ModelKind.INJECTION_CLASSIFIER, "the prompt scanner's classifier on GPUs", "0", "0",
                classifierBackend("classifier@eu", eu, RecordingBackends.EU), classifierBackend("classifier@us", us, RecordingBackends.US));
    }

    @AfterAll
    void stopServers() {
        eu.stop();
        us.stop();
    }

    @Test
    void theAllowedRegionsClassifierBackendDecidesTheCallAndTheOtherNeverSeesThePrompt() throws Exception {
        RecordingBackends.awaitAdmitted(context, "classifier@eu");
        IssuedApiKey key = TestKeys.developerKey(context, "remote-classifier", null);
        TestKeys.blockInjections(context, key);

        HttpResponse<String> answer = chat(key, PROMPT);

        assertThat(context.getBean(MeterRegistry.class).find(CatalogClassifierBackends.FALLBACKS).counters())
                .extracting(counter -> counter.getId().getTag("reason")).as("no scan fell back in-process").isEmpty();
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(400);
        assertThat(JSON.readTree(answer.body()).at("/error/code").asText()).isEqualTo("prompt_injection_blocked");
        assertThat(eu.findAll(postRequestedFor(urlEqualTo(INFER)))).as("the probe, then the prompt's windows").hasSize(2);
        assertThat(us.findAll(postRequestedFor(anyUrl()))).isEmpty();
        assertThat(LayeredPromptScanner.withBundledModel().scan(List.of(new ScannedMessage(MessageRole.USER, PROMPT))).injectionScore())
                .as("scanned in-process the prompt passes").isLessThan(0.5);
    }

    private HttpResponse<String> chat(IssuedApiKey key, String prompt) throws Exception {
        String body = JSON.writeValueAsString(Map.of("model", "chat-simulator",
                "messages", List.of(Map.of("role", "user", "content", prompt))));
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                .header("Authorization", "Bearer " + key.token()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static ModelBackend classifierBackend(String id, WireMockServer server, String region) {
        return new ModelBackend(id, CLASSIFIER, URI.create("http://127.0.0.1:" + server.port() + "/v2"), SERVED, region);
    }

    /** Triton serving our ONNX model: its metadata, the committed logits on the probe, then 12 for the scanned window. */
    private static void servesOurModel(WireMockServer server) {
        server.stubFor(get(urlEqualTo("/v2/models/" + SERVED)).willReturn(okJson(OpenInferenceAnswers.metadata(SERVED))));
        MiniLmInjectionClassifier committed = LayeredPromptScanner.bundledModel();
        float[] probe = committed.logits(RemoteClassifierEndpoint.probeWindows(committed));
        server.stubFor(post(urlEqualTo(INFER)).inScenario("same model").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(okJson(OpenInferenceAnswers.inferAnswer(SERVED, probe))).willSetStateTo("checked"));
        server.stubFor(post(urlEqualTo(INFER)).inScenario("same model").whenScenarioStateIs("checked")
                .withRequestBody(containing("input_ids"))
                .willReturn(okJson(OpenInferenceAnswers.inferAnswer(SERVED, 12f))));
    }
}
