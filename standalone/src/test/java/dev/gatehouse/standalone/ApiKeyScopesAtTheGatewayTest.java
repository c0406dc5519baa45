package dev.gatehouse.standalone;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.tenant.ApiKeyAuthenticator;
import dev.gatehouse.tenant.ApiKeyScopes;
import dev.gatehouse.tenant.IssuedApiKey;
import dev.gatehouse.tenant.Role;
import dev.gatehouse.tenant.TenantDatabase;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A key limited to some endpoints is refused on the others by the Authentication step, and a key
 * limited to some models is refused the others by the ModelResolution step, with 403 problem+json.
 */
@MarketplaceTest
class ApiKeyScopesAtTheGatewayTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;

    @Test
    void embeddingsOnlyKeyEmbedsButCannotChatOrListModels() throws Exception {
        IssuedApiKey unscoped = TestKeys.developerKey(context, "scope-tests", null);
        TenantDatabase database = context.getBean(TenantDatabase.class);
        IssuedApiKey embeddingsOnly = database.apiKeys().create(unscoped.tenantId(), "embedder", Set.of(Role.DEVELOPER),
                new ApiKeyScopes(null, Set.of("/v1/embeddings")), null);
        context.getBean(ApiKeyAuthenticator.class).refresh();

        assertThat(post("/v1/embeddings", "{\"model\":\"all-minilm-l6-v2\",\"input\":\"hello\"}", embeddingsOnly).statusCode()).isEqualTo(200);
        HttpResponse<String> chat = post("/v1/chat/completions",
                "{\"model\":\"chat-simulator\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", embeddingsOnly);
        assertThat(chat.statusCode()).isEqualTo(403);
        assertThat(chat.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).contains("application/problem+json"));
        assertThat(JSON.readTree(chat.body()).at("/error/code").asText()).isEqualTo("forbidden");
        HttpResponse<String> models = HTTP.send(HttpRequest.newBuilder(uri("/v1/models"))
                .header("Authorization", "Bearer " + embeddingsOnly.token()).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(models.statusCode()).isEqualTo(403);
        assertThat(post("/v1/chat/completions",
                "{\"model\":\"chat-simulator\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", unscoped).statusCode()).isEqualTo(200);
    }

    @Test
    void keyLimitedToOneModelIsRefusedOtherModelsByName() throws Exception {
        IssuedApiKey unscoped = TestKeys.developerKey(context, "model-scope-tests", null);
        IssuedApiKey chatOnly = context.getBean(TenantDatabase.class).apiKeys().create(unscoped.tenantId(), "chat only",
                Set.of(Role.DEVELOPER), new ApiKeyScopes(Set.of("chat-simulator"), null), null);
        context.getBean(ApiKeyAuthenticator.class).refresh();

        assertThat(post("/v1/chat/completions",
                "{\"model\":\"chat-simulator\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", chatOnly).statusCode()).isEqualTo(200);
        HttpResponse<String> embeddings = post("/v1/embeddings", "{\"model\":\"all-minilm-l6-v2\",\"input\":\"hello\"}", chatOnly);
        assertThat(embeddings.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(embeddings.body()).at("/error/param").asText()).isEqualTo("model");
    }

    @Test
    void modelsScopeAdmitsOneModelsDetailsAndCompletionsAndResponsesNeedTheirOwnScopes() throws Exception {
        IssuedApiKey unscoped = TestKeys.developerKey(context, "new-endpoint-scope-tests", null);
        IssuedApiKey modelsOnly = context.getBean(TenantDatabase.class).apiKeys().create(unscoped.tenantId(), "catalog reader",
                Set.of(Role.DEVELOPER), new ApiKeyScopes(null, Set.of("/v1/models")), null);
        IssuedApiKey chatOnly = context.getBean(TenantDatabase.class).apiKeys().create(unscoped.tenantId(), "chat only",
                Set.of(Role.DEVELOPER), new ApiKeyScopes(null, Set.of("/v1/chat/completions")), null);
        context.getBean(ApiKeyAuthenticator.class).refresh();
        String completion = "{\"model\":\"chat-simulator\",\"prompt\":\"Once upon a time\"}";

        assertThat(get("/v1/models/chat-simulator", modelsOnly).statusCode()).isEqualTo(200);
        assertThat(get("/v1/models/chat-simulator", chatOnly).statusCode()).isEqualTo(403);
        HttpResponse<String> refused = post("/v1/completions", completion, chatOnly);
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(refused.body()).at("/error/code").asText()).isEqualTo("forbidden");
        assertThat(post("/v1/completions", completion, modelsOnly).statusCode()).isEqualTo(403);
        assertThat(post("/v1/completions", completion, unscoped).statusCode()).isEqualTo(200);
        String response = "{\"model\":\"chat-simulator\",\"input\":\"Hello there\"}";
        assertThat(post("/v1/responses", response, chatOnly).statusCode()).isEqualTo(403);
        assertThat(post("/v1/responses", response, unscoped).statusCode()).isEqualTo(200);
    }

    @Test
    void theResponsesScopeAdmitsStoredResponsesAndTheRerankScopeReranking() throws Exception {
        IssuedApiKey unscoped = TestKeys.developerKey(context, "stored-scope-tests", null);
        IssuedApiKey responsesOnly = context.getBean(TenantDatabase.class).apiKeys().create(unscoped.tenantId(), "responses only",
                Set.of(Role.DEVELOPER), new ApiKeyScopes(null, Set.of("/v1/responses")), null);
        IssuedApiKey chatOnly = context.getBean(TenantDatabase.class).apiKeys().create(unscoped.tenantId(), "chat only",
                Set.of(Role.DEVELOPER), new ApiKeyScopes(null, Set.of("/v1/chat/completions")), null);
        context.getBean(ApiKeyAuthenticator.class).refresh();
        String rerank = "{\"model\":\"chat-simulator\",\"query\":\"Which one?\",\"documents\":[\"a\"]}";

        assertThat(get("/v1/responses/resp_unknown", responsesOnly).statusCode()).isEqualTo(404);
        assertThat(delete("/v1/responses/resp_unknown", responsesOnly).statusCode()).isEqualTo(404);
        assertThat(get("/v1/responses/resp_unknown", chatOnly).statusCode()).isEqualTo(403);
        assertThat(delete("/v1/responses/resp_unknown", chatOnly).statusCode()).isEqualTo(403);
        assertThat(post("/v1/rerank", rerank, chatOnly).statusCode()).isEqualTo(403);
        assertThat(post("/v1/rerank", rerank, responsesOnly).statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(post("/v1/rerank", rerank, unscoped).body()).at("/error/code").asText()).isEqualTo("model_endpoint_mismatch");
    }

    private HttpResponse<String> delete(String path, IssuedApiKey key) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + key.token()).DELETE().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path, IssuedApiKey key) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + key.token()).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String body, IssuedApiKey key) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri(path))
                .header("Authorization", "Bearer " + key.token())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }
}
