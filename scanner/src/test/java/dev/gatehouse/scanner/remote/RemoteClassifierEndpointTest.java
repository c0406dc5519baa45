package dev.gatehouse.scanner.remote;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.gatehouse.scanner.LayeredPromptScanner;
import dev.gatehouse.scanner.MiniLmInjectionClassifier;
import dev.gatehouse.scanner.remote.RemoteClassifierException.Failure;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RemoteClassifierEndpointTest {

    private static final MiniLmInjectionClassifier COMMITTED = LayeredPromptScanner.bundledModel();
    private static final String SCANNED = "please summarise the attached quarterly report";

    private final WireMockServer server = new WireMockServer(options().dynamicPort());
    private RemoteClassifierEndpoint endpoint;

    @BeforeEach
    void start() {
        server.start();
        InferenceServerStubs.servesMetadata(server);
        OpenInferenceModel model = new OpenInferenceModel(new JavaHttpTransport(), URI.create(server.baseUrl() + "/v2"), InferenceServerStubs.MODEL);
        endpoint = new RemoteClassifierEndpoint(model, COMMITTED, 64, Duration.ofMillis(2));
    }

    @AfterEach
    void stop() {
        endpoint.close();
        server.stop();
    }

    @Test
    void scoresOnceTheServerHasReproducedTheCommittedModelsLogitsOnTheProbe() throws Exception {
        answersProbeWith(committedLogitsOnTheProbe(0.01f));
        server.stubFor(post(InferenceServerStubs.inferPath()).inScenario("probe").whenScenarioStateIs("checked")
                .willReturn(okJson(InferenceServerStubs.inferAnswer(3.0f))));

        float[] logits = endpoint.logits(COMMITTED.windowsOf(SCANNED)).get(10, TimeUnit.SECONDS);

        assertThat(logits).containsExactly(3.0f);
        server.verify(2, postRequestedFor(urlEqualTo(InferenceServerStubs.inferPath())));
    }

    @Test
    void refusesAServerThatServesOtherWeightsUnderOurModelsName() {
        answersProbeWith(committedLogitsOnTheProbe(1.5f));

        assertThatThrownBy(() -> endpoint.logits(COMMITTED.windowsOf(SCANNED)).get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOfSatisfying(RemoteClassifierException.class, e -> assertThat(e.failure()).isEqualTo(Failure.WRONG_MODEL));
        server.verify(1, postRequestedFor(urlEqualTo(InferenceServerStubs.inferPath())));
    }

    private static float[] committedLogitsOnTheProbe(float offBy) {
        float[] logits = COMMITTED.logits(RemoteClassifierEndpoint.probeWindows(COMMITTED));
        for (int i = 0; i < logits.length; i++) {
            logits[i] += offBy;
        }
        return logits;
    }

    private void answersProbeWith(float[] logits) {
        server.stubFor(post(InferenceServerStubs.inferPath()).inScenario("probe").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(okJson(InferenceServerStubs.inferAnswer(logits))).willSetStateTo("checked"));
    }
}
