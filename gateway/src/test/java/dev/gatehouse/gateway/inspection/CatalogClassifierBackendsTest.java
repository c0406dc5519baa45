package dev.gatehouse.gateway.inspection;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.gatehouse.catalog.BackendCapacity;
import dev.gatehouse.catalog.BackendTls;
import dev.gatehouse.catalog.CatalogModel;
import dev.gatehouse.catalog.ModelBackend;
import dev.gatehouse.catalog.ModelCatalog;
import dev.gatehouse.catalog.ModelDescription;
import dev.gatehouse.catalog.ModelKind;
import dev.gatehouse.catalog.ModelPrice;
import dev.gatehouse.catalog.SubscriptionStatus;
import dev.gatehouse.catalog.UpstreamCredential;
import dev.gatehouse.gateway.routing.BackendHealthBoard;
import dev.gatehouse.gateway.routing.BackendHttpClients;
import dev.gatehouse.gateway.routing.BackendSelector;
import dev.gatehouse.gateway.routing.CapacityQueue;
import dev.gatehouse.gateway.routing.RoutingProperties;
import dev.gatehouse.scanner.LayeredPromptScanner;
import dev.gatehouse.scanner.MiniLmInjectionClassifier;
import dev.gatehouse.scanner.remote.RemoteClassifierEndpoint;
import dev.gatehouse.testing.OpenInferenceAnswers;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.netty.http.client.HttpClient;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** WireMock plays the GPU inference servers (Triton over the Open Inference Protocol) the catalog names. */
class CatalogClassifierBackendsTest {

    private static final MiniLmInjectionClassifier COMMITTED = LayeredPromptScanner.bundledModel();
    private static final String SERVED = "gatehouse-injection";
    private static final String INFER = "/v2/models/" + SERVED + "/infer";
    private static final String TEXT = "please summarise the attached quarterly report";
    /** Far above the threshold, so a remote score cannot be mistaken for the in-process one of a benign text. */
    private static final float REMOTE_LOGIT = 12f;

    private final WireMockServer eu = new WireMockServer(options().dynamicPort());
    private final WireMockServer us = new WireMockServer(options().dynamicPort());
    private final BackendHealthBoard board = new BackendHealthBoard(Clock.systemUTC(), Duration.ofSeconds(30), RoutingProperties.DEFAULTS);
    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    private CatalogClassifierBackends classifier;

    @AfterEach
    void stop() {
        if (classifier != null) {
            classifier.close();
        }
        eu.stop();
        us.stop();
    }

    @Test
    void scoresOnTheBackendOfAnAllowedRegionWithTheCredentialAndTheInProcessCalibration() {
        start(eu, us);
        servesOurModel(eu);
        servesOurModel(us);
        classifier = classifierOver(Duration.ofSeconds(2), backend("eu", eu, "eu-west").withCredential(UpstreamCredential.bearer("eu-secret")),
                backend("us", us, "us-east"));

        double score = classifier.score(TEXT, Set.of("eu-west"));

        assertThat(score).isCloseTo(COMMITTED.descriptor().calibrated(REMOTE_LOGIT), within(1e-6));
        assertThat(eu.findAll(postRequestedFor(urlEqualTo(INFER)).withHeader("Authorization", equalTo("Bearer eu-secret")))).hasSize(2);
        assertThat(us.findAll(anyRequestedFor(anyUrl()))).as("the US backend never receives an EU tenant's text").isEmpty();
        assertThat(metrics.counter(CatalogClassifierBackends.REMOTE_SCORES).count()).isEqualTo(1);
    }

    @Test
    void withNoBackendInAnAllowedRegionTheTextIsScoredInProcessAndTheFallbackCounted() {
        start(us);
        servesOurModel(us);
        classifier = classifierOver(Duration.ofSeconds(2), backend("us", us, "us-east"));

        double score = classifier.score(TEXT, Set.of("eu-west"));

        assertThat(score).isEqualTo(COMMITTED.score(TEXT));
        assertThat(us.findAll(anyRequestedFor(anyUrl()))).isEmpty();
        assertThat(fallbacks("no_allowed_healthy_backend")).isEqualTo(1);
    }

    @Test
    void aTimeoutCountsAgainstTheBackendAndTheTextIsScoredInProcess() {
        start(eu);
        eu.stubFor(get("/v2/models/" + SERVED).willReturn(okJson(metadata()).withFixedDelay(2_000)));
        classifier = classifierOver(Duration.ofMillis(150), backend("eu", eu, "eu-west"));

        double score = classifier.score(TEXT, Set.of("eu-west"));

        assertThat(score).isEqualTo(COMMITTED.score(TEXT));
        assertThat(fallbacks("timeout")).isEqualTo(1);
        assertThat(board.of("eu").report(8).recentErrorRate()).isEqualTo(1.0);
    }

    @Test
    void serverErrorsEjectTheBackendAfterWhichItReceivesNoMoreText() {
        start(eu);
        eu.stubFor(get("/v2/models/" + SERVED).willReturn(okJson(metadata())));
        eu.stubFor(post(INFER).willReturn(aResponse().withStatus(503)));
        classifier = classifierOver(Duration.ofSeconds(2), backend("eu", eu, "eu-west"));

        for (int scan = 0; scan < 4; scan++) {
            assertThat(classifier.score(TEXT, Set.of("eu-west"))).isEqualTo(COMMITTED.score(TEXT));
        }

        assertThat(eu.findAll(postRequestedFor(urlEqualTo(INFER)))).as("ejected after three failures in a row").hasSize(3);
        assertThat(fallbacks("server_error")).isEqualTo(3);
        assertThat(fallbacks("no_allowed_healthy_backend")).isEqualTo(1);
        assertThat(board.of("eu").admitsCalls()).isFalse();
    }

    @Test
    void anUnreachableServerIsEjectedAtOnce() {
        start(eu);
        ModelBackend gone = backend("eu", eu, "eu-west");
        eu.stop();
        classifier = classifierOver(Duration.ofSeconds(2), gone);

        assertThat(classifier.score(TEXT, Set.of("eu-west"))).isEqualTo(COMMITTED.score(TEXT));
        assertThat(fallbacks("connect")).isEqualTo(1);
        assertThat(board.of("eu").admitsCalls()).isFalse();
    }

    @Test
    void aServerWithAnotherModelIsNeverTrustedWithAScore() {
        start(eu);
        eu.stubFor(get("/v2/models/" + SERVED).willReturn(okJson(metadata())));
        eu.stubFor(post(INFER).willReturn(okJson(inferAnswer(probeLogits(2.5f)))));
        classifier = classifierOver(Duration.ofSeconds(2), backend("eu", eu, "eu-west"));

        double score = classifier.score(TEXT, Set.of("eu-west"));

        assertThat(score).isEqualTo(COMMITTED.score(TEXT));
        assertThat(fallbacks("wrong_model")).isEqualTo(1);
    }

    @Test
    void malformedJsonIsScoredInProcess() {
        start(eu);
        eu.stubFor(get("/v2/models/" + SERVED).willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withBody("{\"name\": \"gatehouse-")));
        classifier = classifierOver(Duration.ofSeconds(2), backend("eu", eu, "eu-west"));

        assertThat(classifier.score(TEXT, Set.of("eu-west"))).isEqualTo(COMMITTED.score(TEXT));
        assertThat(fallbacks("malformed_answer")).isEqualTo(1);
    }

    @Test
    void windowsOfConcurrentScansReachTheServerInOneRequest() throws Exception {
        start(eu);
        servesOurModel(eu);
        classifier = classifierOver(platformClassifier(backend("eu", eu, "eu-west")), Duration.ofSeconds(5), Duration.ofMillis(500));
        classifier.score("warm up: the probe checks the model first", Set.of("eu-west"));
        eu.resetRequests();
        eu.stubFor(post(INFER).inScenario("same model").whenScenarioStateIs("checked")
                .willReturn(okJson(inferAnswer(new float[] {REMOTE_LOGIT, REMOTE_LOGIT, REMOTE_LOGIT, REMOTE_LOGIT}))));

        ExecutorService scans = Executors.newFixedThreadPool(4);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Double>> scores = IntStream.range(0, 4).mapToObj(i -> scans.submit(() -> {
                start.await();
                return classifier.score("question number " + i + " about the quarterly report", Set.of("eu-west"));
            })).toList();
            start.countDown();
            for (Future<Double> score : scores) {
                assertThat(score.get(10, TimeUnit.SECONDS)).isCloseTo(COMMITTED.descriptor().calibrated(REMOTE_LOGIT), within(1e-6));
            }
        } finally {
            scans.shutdownNow();
        }
        assertThat(eu.findAll(postRequestedFor(urlEqualTo(INFER)))).as("four scans, one window each, one request").hasSize(1);
    }

    @Test
    void aModelPublishedByATenantIsNeverUsedAsTheClassifier() {
        start(eu);
        servesOurModel(eu);
        CatalogModel platform = platformClassifier(backend("eu", eu, "eu-west"));
        CatalogModel published = new CatalogModel(platform.id(), platform.kind(), UUID.randomUUID(), platform.description(),
                platform.compliance(), platform.lifecycle(), platform.access(), platform.prices(), false, platform.createdAt(),
                platform.backends(), List.of());
        classifier = classifierOver(published, Duration.ofSeconds(2), Duration.ofMillis(2));

        assertThat(classifier.score(TEXT, Set.of("eu-west"))).isEqualTo(COMMITTED.score(TEXT));
        assertThat(eu.findAll(anyRequestedFor(anyUrl()))).isEmpty();
        assertThat(fallbacks("no_classifier_model")).isEqualTo(1);
    }

    @Test
    void aScanWithoutRegionsStaysInProcess() {
        start(eu);
        servesOurModel(eu);
        classifier = classifierOver(Duration.ofSeconds(2), backend("eu", eu, "eu-west"));

        assertThat(classifier.score(TEXT)).isEqualTo(COMMITTED.score(TEXT));
        assertThat(eu.findAll(anyRequestedFor(anyUrl()))).isEmpty();
    }

    private void start(WireMockServer... servers) {
        for (WireMockServer server : servers) {
            server.start();
        }
    }

    /** Our model: the committed logits on the probe, then {@link #REMOTE_LOGIT} for every window scanned. */
    private static void servesOurModel(WireMockServer server) {
        server.stubFor(get("/v2/models/" + SERVED).willReturn(okJson(metadata())));
        server.stubFor(post(INFER).inScenario("same model").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(okJson(inferAnswer(probeLogits(0)))).willSetStateTo("checked"));
        server.stubFor(post(INFER).inScenario("same model").whenScenarioStateIs("checked")
                .willReturn(okJson(inferAnswer(new float[] {REMOTE_LOGIT}))));
    }

    private static float[] probeLogits(float offBy) {
        float[] logits = COMMITTED.logits(RemoteClassifierEndpoint.probeWindows(COMMITTED));
        for (int i = 0; i < logits.length; i++) {
            logits[i] += offBy;
        }
        return logits;
    }

    private static String metadata() {
        return OpenInferenceAnswers.metadata(SERVED);
    }

    private static String inferAnswer(float[] logits) {
        return OpenInferenceAnswers.inferAnswer(SERVED, logits);
    }

    private double fallbacks(String reason) {
        return metrics.counter(CatalogClassifierBackends.FALLBACKS, "reason", reason).count();
    }

    private static ModelBackend backend(String id, WireMockServer server, String region) {
        return new ModelBackend(id, "injection-classifier", URI.create(server.baseUrl() + "/v2"), SERVED, region,
                new BackendCapacity(null, 0, 8, 100, Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(5)),
                BackendTls.DEFAULT, null, null);
    }

    private CatalogClassifierBackends classifierOver(Duration timeout, ModelBackend... backends) {
        return classifierOver(platformClassifier(backends), timeout, Duration.ofMillis(2));
    }

    private static CatalogModel platformClassifier(ModelBackend... backends) {
        return CatalogModel.platformModel("injection-classifier", ModelKind.INJECTION_CLASSIFIER,
                ModelDescription.of("Injection classifier", "gatehouse", ""), ModelPrice.perMillionTokens(Instant.EPOCH, "0", "0"),
                false, Set.of(), List.of(backends));
    }

    private CatalogClassifierBackends classifierOver(CatalogModel model, Duration timeout, Duration batchWait) {
        ModelCatalog catalog = new ModelCatalog() {
            @Override
            public List<CatalogModel> models() {
                return List.of(model);
            }

            @Override
            public Optional<CatalogModel> find(String modelId) {
                return models().stream().filter(m -> m.id().equals(modelId)).findFirst();
            }

            @Override
            public Optional<SubscriptionStatus> subscription(UUID tenantId, String modelId) {
                return Optional.empty();
            }
        };
        BackendSelector selector = new BackendSelector(board, new CapacityQueue(10), Clock.systemUTC());
        return new CatalogClassifierBackends(catalog, selector, new BackendHttpClients(HttpClient.create()), COMMITTED,
                new CatalogClassifierBackends.Settings("injection-classifier", timeout, 64, batchWait), metrics);
    }
}
