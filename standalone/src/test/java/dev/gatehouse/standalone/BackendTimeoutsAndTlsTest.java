package dev.gatehouse.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
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
import dev.gatehouse.testing.TestCertificateAuthority;
import dev.gatehouse.testing.TestCertificateAuthority.IssuedCertificate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each backend is called with its own response timeout and TLS settings, not gateway-wide ones:
 * WireMock servers stand in for a slow backend, an https backend with a certificate from a private
 * CA, and one that also asks the gateway for a client certificate.
 */
@MarketplaceTest
class BackendTimeoutsAndTlsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Far below the 120 s default response timeout, far above what any of these calls should take. */
    private static final Duration CALLER_PATIENCE = Duration.ofSeconds(10);
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String CHAT = "{\"model\":\"%s\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String STORE_PASSWORD = "test-store-password";

    private static final TestCertificateAuthority SERVER_CA = TestCertificateAuthority.create("backend-server-ca");
    private static final TestCertificateAuthority CLIENT_CA = TestCertificateAuthority.create("gateway-client-ca");
    private static final IssuedCertificate GATEWAY_CLIENT = CLIENT_CA.issueClient("gatehouse-gateway");

    private static WireMockServer plain;
    private static WireMockServer https;
    private static WireMockServer mutualTls;

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;
    @Autowired
    CatalogRepository repository;
    @Autowired
    CachedModelCatalog catalog;

    private IssuedApiKey key;

    @BeforeAll
    static void startBackends(@TempDir Path stores) throws IOException {
        Path serverKeys = SERVER_CA.issueServer("127.0.0.1").writeKeyStore(stores.resolve("server.p12"), STORE_PASSWORD);
        plain = start(options().dynamicPort());
        https = start(tls(serverKeys));
        mutualTls = start(tls(serverKeys).needClientAuth(true)
                .trustStorePath(CLIENT_CA.writeTrustStore(stores.resolve("clients.p12"), STORE_PASSWORD).toString())
                .trustStorePassword(STORE_PASSWORD).trustStoreType("PKCS12"));
        plain.stubFor(post(urlEqualTo("/slow/v1/chat/completions")).willReturn(okJson(RecordingBackends.ANSWER).withFixedDelay(2000)));
        plain.stubFor(post(urlEqualTo("/unhurried/v1/chat/completions")).willReturn(okJson(RecordingBackends.ANSWER).withFixedDelay(1000)));
        plain.stubFor(post(urlEqualTo("/quick/v1/chat/completions")).willReturn(okJson(RecordingBackends.ANSWER)));
        for (WireMockServer secured : List.of(https, mutualTls)) {
            secured.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(okJson(RecordingBackends.ANSWER)));
        }
    }

    @AfterAll
    static void stopBackends() {
        for (WireMockServer server : List.of(plain, https, mutualTls)) {
            server.stop();
        }
    }

    @BeforeEach
    void developerKey() {
        key = TestKeys.developerKey(context, "backend-settings-tests", null);
    }

    @Test
    void aBackendSilentBeyondItsFirstByteTimeoutIs504() throws Exception {
        catalogue("impatient-model", backend("impatient-backend", "impatient-model", plainUrl("/slow/v1"),
                capacity(Duration.ofMillis(300), BackendCapacity.DEFAULTS.idleTimeout()), BackendTls.DEFAULT));

        HttpResponse<String> response = chat("impatient-model");

        assertProblem(response, 504, "backend_timeout");
    }

    @Test
    void aShortIdleTimeoutDoesNotCutShortTheWaitForTheFirstByte() throws Exception {
        catalogue("thinking-model", backend("thinking-backend", "thinking-model", plainUrl("/unhurried/v1"),
                capacity(Duration.ofSeconds(5), Duration.ofMillis(200)), BackendTls.DEFAULT));

        HttpResponse<String> response = chat("thinking-model");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    @Test
    void aStreamStalledBeyondItsIdleTimeoutEndsWithAnErrorEventLongBeforeItsFirstByteTimeout() throws Exception {
        try (ScriptedStreamBackend stalling = new ScriptedStreamBackend(ScriptedStreamBackend.Behaviour.STALL)) {
            catalogue("stalled-stream-model", backend("stalled-stream-backend", "stalled-stream-model", stalling.baseUrl(),
                    capacity(Duration.ofMinutes(5), Duration.ofMillis(500)), BackendTls.DEFAULT));

            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                    .timeout(CALLER_PATIENCE)
                    .header("Authorization", "Bearer " + key.token())
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(CHAT.formatted("stalled-stream-model").replace("{\"model\"", "{\"stream\":true,\"model\"")))
                    .build(), HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).contains("The first words").contains("\"code\":\"backend_timeout\"").doesNotContain("[DONE]");
        }
    }

    @Test
    void aBackendWithTheDefaultResponseTimeoutMayTakeASecond() throws Exception {
        catalogue("unhurried-model", backend("unhurried-backend", "unhurried-model", plainUrl("/unhurried/v1"),
                BackendCapacity.DEFAULTS, BackendTls.DEFAULT));

        HttpResponse<String> response = chat("unhurried-model");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).at("/choices/0/message/content").asText()).isEqualTo("ok");
    }

    @Test
    void aBackendThatDoesNotAcceptTheConnectionWithinItsConnectTimeoutIs502() throws Exception {
        try (ServerSocket unaccepting = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            List<Socket> queued = fillAcceptQueue(unaccepting);
            try {
                catalogue("unaccepting-model", backend("unaccepting-backend", "unaccepting-model",
                        URI.create("http://127.0.0.1:" + unaccepting.getLocalPort() + "/v1"),
                        new BackendCapacity(null, 0, 64, 100, Duration.ofMillis(200), BackendCapacity.DEFAULTS.firstByteTimeout(),
                                BackendCapacity.DEFAULTS.idleTimeout()),
                        BackendTls.DEFAULT));

                warmUp();
                long started = System.nanoTime();
                HttpResponse<String> response = chat("unaccepting-model");
                Duration took = Duration.ofNanos(System.nanoTime() - started);

                assertProblem(response, 502, "backend_unavailable");
                assertThat(took).as("gave up after its own 200 ms, not the default 2 s").isLessThan(BackendCapacity.DEFAULTS.connectTimeout());
            } finally {
                for (Socket socket : queued) {
                    socket.close();
                }
            }
        }
    }

    @Test
    void anHttpsBackendWithAPrivateCaIsUntrustedUntilItsCaIsConfigured() throws Exception {
        ModelBackend backend = backend("private-ca-backend", "private-ca-model", httpsUrl(https), BackendCapacity.DEFAULTS, BackendTls.DEFAULT);
        catalogue("private-ca-model", backend);

        assertProblem(chat("private-ca-model"), 502, "backend_unavailable");

        reconfigure(backend, new BackendTls(SERVER_CA.certificatePem(), null, null));

        HttpResponse<String> trusted = chat("private-ca-model");
        assertThat(trusted.statusCode()).as(trusted.body()).isEqualTo(200);
    }

    @Test
    void aBackendThatAsksForAClientCertificateAnswersOnlyWhenTheGatewayHasOne() throws Exception {
        ModelBackend backend = backend("mutual-tls-backend", "mutual-tls-model", httpsUrl(mutualTls), BackendCapacity.DEFAULTS,
                new BackendTls(SERVER_CA.certificatePem(), null, null));
        catalogue("mutual-tls-model", backend);

        assertProblem(chat("mutual-tls-model"), 502, "backend_unavailable");

        reconfigure(backend, new BackendTls(SERVER_CA.certificatePem(), GATEWAY_CLIENT.certificatePem(), GATEWAY_CLIENT.privateKeyPem()));

        HttpResponse<String> authenticated = chat("mutual-tls-model");
        assertThat(authenticated.statusCode()).as(authenticated.body()).isEqualTo(200);
    }

    /** One call through the whole pipeline, so that a measured call does not pay for first-use initialisation. */
    private void warmUp() throws IOException, InterruptedException {
        catalogue("quick-model", backend("quick-backend", "quick-model", plainUrl("/quick/v1"), BackendCapacity.DEFAULTS, BackendTls.DEFAULT));
        assertThat(chat("quick-model").statusCode()).isEqualTo(200);
    }

    /** Connects until the listener's accept queue is full, so that the kernel leaves further connection attempts unanswered. */
    private static List<Socket> fillAcceptQueue(ServerSocket listener) throws IOException {
        List<Socket> queued = new ArrayList<>();
        for (int attempt = 0; attempt < 16; attempt++) {
            Socket socket = new Socket();
            try {
                socket.connect(new InetSocketAddress(listener.getInetAddress(), listener.getLocalPort()), 100);
                queued.add(socket);
            } catch (SocketTimeoutException full) {
                socket.close();
                return queued;
            }
        }
        throw new IllegalStateException("the accept queue never filled up");
    }

    private static WireMockServer start(WireMockConfiguration configuration) {
        WireMockServer server = new WireMockServer(configuration.bindAddress("127.0.0.1"));
        server.start();
        return server;
    }

    private static WireMockConfiguration tls(Path serverKeys) {
        return options().httpDisabled(true).dynamicHttpsPort()
                .keystorePath(serverKeys.toString()).keystorePassword(STORE_PASSWORD).keyManagerPassword(STORE_PASSWORD).keystoreType("PKCS12");
    }

    private static URI plainUrl(String path) {
        return URI.create("http://127.0.0.1:" + plain.port() + path);
    }

    private static URI httpsUrl(WireMockServer server) {
        return URI.create("https://127.0.0.1:" + server.httpsPort() + "/v1");
    }

    private static BackendCapacity capacity(Duration firstByteTimeout, Duration idleTimeout) {
        BackendCapacity defaults = BackendCapacity.DEFAULTS;
        return new BackendCapacity(null, 0, defaults.maxConcurrentRequests(), defaults.weight(), defaults.connectTimeout(), firstByteTimeout,
                idleTimeout);
    }

    private static ModelBackend backend(String id, String modelId, URI baseUrl, BackendCapacity capacity, BackendTls tls) {
        return new ModelBackend(id, modelId, baseUrl, "upstream-" + modelId, "eu-west", capacity, tls, null, null);
    }

    private void catalogue(String modelId, ModelBackend backend) {
        repository.saveModel(CatalogModel.platformModel(modelId, ModelKind.CHAT, ModelDescription.of(modelId, "test publisher", "a test backend"),
                ModelPrice.perMillionTokens(Instant.now(), "1", "1"), false, Set.of(), List.of(backend)));
        repository.subscribe(key.tenantId(), modelId);
        catalog.refresh();
    }

    private void reconfigure(ModelBackend backend, BackendTls tls) {
        repository.updateBackend(new ModelBackend(backend.id(), backend.modelId(), backend.baseUrl(), backend.upstreamModel(), backend.region(),
                backend.capacity(), tls, null, null));
        catalog.refresh();
    }

    private HttpResponse<String> chat(String modelId) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                .timeout(CALLER_PATIENCE)
                .header("Authorization", "Bearer " + key.token())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(CHAT.formatted(modelId)))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertProblem(HttpResponse<String> response, int status, String code) throws IOException {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.at("/error/code").asText()).isEqualTo(code);
    }
}
