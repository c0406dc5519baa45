package dev.gatehouse.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.tenant.IssuedApiKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two gateway processes on one PostgreSQL: each serves the built-in models from its own built-in
 * backends, so replicas never overwrite each other's backend addresses, and a replica keeps
 * serving when the other is killed.
 */
class ReplicasOnOneDatabaseTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String BACKENDS = "/admin/v1/catalog/models/chat-simulator/backends";
    private static final String EMBEDDINGS = "{\"model\":\"all-minilm-l6-v2\",\"input\":[\"one replica\",\"another replica\"]}";

    @RegisterExtension
    static final SharedDatabaseServer database = new SharedDatabaseServer();

    @TempDir
    Path dataDir;

    @Test
    void eachReplicaServesTheBuiltInModelsThroughItsOwnBackendsAndKeepsServingWhenAnotherStops() throws Exception {
        try (ConfigurableApplicationContext b = start("b")) {
            IssuedApiKey key = TestKeys.developerKey(b, "replicated", null);
            String admin = TestKeys.platformAdminKey(b);
            try (MarketplaceProcess a = MarketplaceProcess.start(dataDir.resolve("a"), onTheSharedDatabase())) {
                awaitChatStatus(a.uri("/v1/chat/completions"), key.token(), 200);

                for (int call = 0; call < 6; call++) {
                    for (java.util.function.Function<String, URI> replica : List.<java.util.function.Function<String, URI>>of(
                            a::uri, path -> RunningMarketplace.uri(b, path))) {
                        HttpResponse<String> chat = post(replica.apply("/v1/chat/completions"), key.token(),
                                RunningMarketplace.CHAT_BODY_TEMPLATE.formatted("Hello, what is the capital of France?"));
                        assertThat(chat.statusCode()).as(chat.body()).isEqualTo(200);
                        HttpResponse<String> embeddings = post(replica.apply("/v1/embeddings"), key.token(), EMBEDDINGS);
                        assertThat(embeddings.statusCode()).as(embeddings.body()).isEqualTo(200);
                    }
                }
                List<String> instancesOfA = localBackendInstances(a.uri(BACKENDS), admin);
                List<String> instancesOfB = localBackendInstances(RunningMarketplace.uri(b, BACKENDS), admin);
                assertThat(instancesOfA).singleElement().isNotEqualTo(instancesOfB.get(0));
                assertThat(backends(a.uri(BACKENDS), admin)).allSatisfy(backend -> assertThat(backend.path("local_to_instance").isNull()).isFalse());
            }

            for (int call = 0; call < 6; call++) {
                HttpResponse<String> chat = RunningMarketplace.chat(b, key.token(), "Hello again, what is the capital of Spain?");
                assertThat(chat.statusCode()).as("after the other replica was killed: " + chat.body()).isEqualTo(200);
            }
        }
    }

    private static String[] onTheSharedDatabase() {
        return database.marketplaceArguments("--gatehouse.gateway.cache-refresh-interval=300ms");
    }

    private ConfigurableApplicationContext start(String name) {
        return RunningMarketplace.start(dataDir.resolve(name), onTheSharedDatabase());
    }

    /** The instance ids of the chat simulator's backends as this replica routes them. */
    private static List<String> localBackendInstances(URI backendsOfReplica, String admin) throws Exception {
        return backends(backendsOfReplica, admin).stream().map(backend -> backend.path("local_to_instance").asText(null))
                .filter(instance -> instance != null).toList();
    }

    private static List<JsonNode> backends(URI backendsOfReplica, String admin) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(backendsOfReplica)
                .header("Authorization", "Bearer " + admin).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        List<JsonNode> backends = new java.util.ArrayList<>();
        JSON.readTree(response.body()).path("data").forEach(backends::add);
        return backends;
    }

    private static void awaitChatStatus(URI chat, String token, int status) throws Exception {
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
        while (post(chat, token, RunningMarketplace.CHAT_BODY_TEMPLATE.formatted("Hello, are you there?")).statusCode() != status
                && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
    }

    private static HttpResponse<String> post(URI uri, String bearer, String json) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + bearer).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
