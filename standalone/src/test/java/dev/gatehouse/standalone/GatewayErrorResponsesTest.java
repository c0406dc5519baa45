package dev.gatehouse.standalone;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.catalog.CachedModelCatalog;
import dev.gatehouse.catalog.CatalogModel;
import dev.gatehouse.catalog.CatalogRepository;
import dev.gatehouse.catalog.ModelBackend;
import dev.gatehouse.catalog.ModelDescription;
import dev.gatehouse.catalog.ModelPrice;
import dev.gatehouse.catalog.ModelKind;
import dev.gatehouse.tenant.ApiKeyAuthenticator;
import dev.gatehouse.tenant.IssuedApiKey;
import dev.gatehouse.tenant.TenantDatabase;
import dev.gatehouse.tenant.TenantStatus;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Every way a call can be wrong gets a precise 4xx (or 5xx for backends) as problem+json, never a stack trace. */
@MarketplaceTest
class GatewayErrorResponsesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String CHAT = "{\"model\":\"chat-simulator\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;
    @Autowired
    TenantDatabase tenants;
    @Autowired
    ApiKeyAuthenticator authenticator;
    @Autowired
    CatalogRepository catalogRepository;
    @Autowired
    CachedModelCatalog catalog;

    private IssuedApiKey key;

    @BeforeEach
    void developerKey() {
        key = TestKeys.developerKey(context, "error-tests", null);
    }

    @Test
    void malformedJsonIs400WithPosition() throws Exception {
        ProblemAnswer problem = post("/v1/chat/completions", "{\"model\": \"chat-simulator\", \"messages\": [", key.token());

        problem.assertIs(400, "malformed_json");
        assertThat(problem.json().get("detail").asText()).contains("line 1");
    }

    @Test
    void nonObjectJsonIs400() throws Exception {
        post("/v1/chat/completions", "[1,2,3]", key.token()).assertIs(400, "malformed_json");
    }

    @Test
    void duplicateKeysAreRefusedAsAmbiguous() throws Exception {
        post("/v1/chat/completions", "{\"model\":\"chat-simulator\",\"model\":\"other\",\"messages\":[]}", key.token())
                .assertIs(400, "malformed_json");
    }

    @Test
    void deeplyNestedJsonIs400() throws Exception {
        String nested = "[".repeat(5000) + "]".repeat(5000);
        post("/v1/chat/completions", "{\"model\":\"chat-simulator\",\"messages\":" + nested + "}", key.token())
                .assertIs(400, "malformed_json");
    }

    @Test
    void missingModelIs400NamingTheParameter() throws Exception {
        ProblemAnswer problem = post("/v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", key.token());

        problem.assertIs(400, "missing_model");
        assertThat(problem.json().at("/error/param").asText()).isEqualTo("model");
    }

    @Test
    void unknownModelIs404() throws Exception {
        post("/v1/chat/completions", CHAT.replace("chat-simulator", "no-such-model"), key.token()).assertIs(404, "model_not_found");
    }

    @Test
    void embeddingsModelOnChatEndpointIs400() throws Exception {
        post("/v1/chat/completions", CHAT.replace("chat-simulator", "all-minilm-l6-v2"), key.token())
                .assertIs(400, "model_endpoint_mismatch");
    }

    @Test
    void tooManyMessagesIs400BeforeAnyScanning() throws Exception {
        String manyMessages = "{\"model\":\"chat-simulator\",\"messages\":["
                + String.join(",", java.util.Collections.nCopies(2049, "{\"role\":\"user\",\"content\":\"hi\"}")) + "]}";

        ProblemAnswer problem = post("/v1/chat/completions", manyMessages, key.token());

        problem.assertIs(400, "invalid_request");
        assertThat(problem.json().at("/error/param").asText()).isEqualTo("messages");
    }

    @Test
    void wrongContentTypeIs415() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/v1/chat/completions"))
                .header("Authorization", "Bearer " + key.token())
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString(CHAT)));

        ProblemAnswer.of(response).assertIs(415, "unsupported_media_type");
    }

    @Test
    void bodyOverOneMebibyteIs413() throws Exception {
        String huge = "{\"model\":\"chat-simulator\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "a".repeat(1024 * 1024) + "\"}]}";

        post("/v1/chat/completions", huge, key.token()).assertIs(413, "payload_too_large");
    }

    @Test
    void missingKeyIs401WithChallenge() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/v1/chat/completions"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(CHAT)));

        ProblemAnswer.of(response).assertIs(401, "missing_credentials");
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(value -> assertThat(value).startsWith("Bearer"));
    }

    @Test
    void revokedKeyIs401() throws Exception {
        tenants.apiKeys().revoke(key.keyId());
        authenticator.refresh();

        post("/v1/chat/completions", CHAT, key.token()).assertIs(401, "revoked_api_key");
    }

    @Test
    void expiredKeyIs401() throws Exception {
        IssuedApiKey shortLived = TestKeys.developerKey(context, "error-tests", Instant.now().plusMillis(300));
        Thread.sleep(400);

        post("/v1/chat/completions", CHAT, shortLived.token()).assertIs(401, "expired_api_key");
    }

    @Test
    void suspendedTenantIs403() throws Exception {
        IssuedApiKey suspendedKey = TestKeys.developerKey(context, "suspended-tenant", null);
        tenants.tenants().setStatus(suspendedKey.tenantId(), TenantStatus.SUSPENDED);
        context.getBean(dev.gatehouse.tenant.TenantDirectory.class).refresh();
        authenticator.refresh();

        post("/v1/chat/completions", CHAT, suspendedKey.token()).assertIs(403, "tenant_suspended");
    }

    @Test
    void wrongMethodIs405() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/v1/chat/completions"))
                .header("Authorization", "Bearer " + key.token()).GET());

        ProblemAnswer.of(response).assertIs(405, "method_not_allowed");
    }

    @Test
    void unknownPathIs404ProblemNotWhitelabelPage() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/v1/completions-of-the-future"))
                .header("Authorization", "Bearer " + key.token()).GET());

        ProblemAnswer.of(response).assertIs(404, "not_found");
    }

    @Test
    void unreachableBackendIs502AndNextCallWithNoOtherBackendIs503() throws Exception {
        answers502ThenRests("unreachable-model", URI.create("http://127.0.0.1:" + closedPort() + "/v1"));
    }

    @Test
    void backendWhoseHostDoesNotResolveIs502AndIsRestedLikeAnUnreachableOne() throws Exception {
        answers502ThenRests("unresolvable-model", URI.create("http://no-such-backend.invalid/v1"));
    }

    private void answers502ThenRests(String model, URI backendUrl) throws Exception {
        catalogRepository.saveModel(CatalogModel.platformModel(model, ModelKind.CHAT,
                ModelDescription.of("Unreachable", "test", "down"), ModelPrice.perMillionTokens(Instant.now(), "1", "1"), false, Set.of(),
                List.of(new ModelBackend(model + "-backend", model, backendUrl, "whatever", "eu-west"))));
        catalogRepository.subscribe(key.tenantId(), model);
        catalog.refresh();

        post("/v1/chat/completions", CHAT.replace("chat-simulator", model), key.token()).assertIs(502, "backend_unavailable");
        post("/v1/chat/completions", CHAT.replace("chat-simulator", model), key.token()).assertIs(503, "no_healthy_backend");
    }

    @Test
    void refusedConnectionFailsOverToAnotherBackendOfTheModel() throws Exception {
        URI live = context.getBean(dev.gatehouse.backends.BuiltinBackendServer.class).chatBaseUrl();
        catalogRepository.saveModel(CatalogModel.platformModel("failover-model", ModelKind.CHAT,
                ModelDescription.of("Failover", "test", "one dead, one live"), ModelPrice.perMillionTokens(Instant.now(), "1", "1"), false,
                Set.of(), List.of(
                        new ModelBackend("a-dead-backend", "failover-model", URI.create("http://127.0.0.1:" + closedPort() + "/v1"),
                                "chat-simulator", "eu-west"),
                        new ModelBackend("b-live-backend", "failover-model", live, "chat-simulator", "eu-west"))));
        catalogRepository.subscribe(key.tenantId(), "failover-model");
        catalog.refresh();

        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/v1/chat/completions"))
                .header("Authorization", "Bearer " + key.token())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(CHAT.replace("chat-simulator", "failover-model"))));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).at("/choices/0/message/content").asText()).endsWith("You said: hi");
    }

    @Test
    void nonBooleanStreamFlagIs400() throws Exception {
        post("/v1/chat/completions", CHAT.replace("{\"model\"", "{\"stream\":\"yes\",\"model\""), key.token()).assertIs(400, "invalid_request");
    }

    @Test
    void backendValidationErrorsReachTheCallerAsOpenAiErrors() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/v1/embeddings"))
                .header("Authorization", "Bearer " + key.token())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"all-minilm-l6-v2\",\"input\":[]}")));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(response.body()).at("/error/message").asText()).contains("input");
    }

    @Test
    void everyResponseCarriesARequestIdAndKeepsAWellFormedOneFromTheCaller() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/v1/models"))
                .header("Authorization", "Bearer " + key.token())
                .header("X-Request-Id", "caller-chosen-id-42").GET());
        HttpResponse<String> hostile = send(HttpRequest.newBuilder(uri("/v1/models"))
                .header("Authorization", "Bearer " + key.token())
                .header("X-Request-Id", "<script>alert(1)</script>").GET());

        assertThat(response.headers().firstValue("X-Request-Id")).contains("caller-chosen-id-42");
        assertThat(hostile.headers().firstValue("X-Request-Id")).hasValueSatisfying(id -> assertThat(id).doesNotContain("<"));
    }

    @Test
    void everyCallGetsACallIdOfItsOwnEvenWhenTheCallerRepeatsItsRequestId() throws Exception {
        HttpResponse<String> first = send(HttpRequest.newBuilder(uri("/v1/models"))
                .header("Authorization", "Bearer " + key.token())
                .header("X-Request-Id", "repeated-id").GET());
        HttpResponse<String> second = send(HttpRequest.newBuilder(uri("/v1/models"))
                .header("Authorization", "Bearer " + key.token())
                .header("X-Request-Id", "repeated-id").GET());

        assertThat(first.headers().firstValue("X-Request-Id")).contains("repeated-id");
        assertThat(second.headers().firstValue("X-Request-Id")).contains("repeated-id");
        assertThat(first.headers().firstValue("X-Gatehouse-Call-Id")).hasValueSatisfying(callId ->
                assertThat(second.headers().firstValue("X-Gatehouse-Call-Id")).isPresent().get().isNotEqualTo(callId));
    }

    @Test
    void aRefusedCallNamesItsCallIdToo() throws Exception {
        HttpResponse<String> refused = send(HttpRequest.newBuilder(uri("/v1/models"))
                .header("Authorization", "Bearer gatehouse_kaaaaaaaaaaaaaaaa_wrong").GET());

        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.headers().firstValue("X-Gatehouse-Call-Id")).hasValueSatisfying(callId -> assertThat(callId).hasSize(36));
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private ProblemAnswer post(String path, String body, String token) throws Exception {
        return ProblemAnswer.of(send(HttpRequest.newBuilder(uri(path))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))));
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
