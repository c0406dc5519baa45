package dev.gatehouse.standalone;

import dev.gatehouse.tenant.IssuedApiKey;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every request on a kept-alive connection is answered, whatever came before it on the connection:
 * answers computed at once (the model listing, a 401 before the body is read) mixed with answers
 * that take a thread hop (admin reads) or a backend (chat). Reactor Netty used to stop reading such
 * a connection.
 */
@MarketplaceTest
class KeptAliveConnectionsTest {

    private static final Duration ANSWER_WITHIN = Duration.ofSeconds(5);
    private static final int ROUNDS = 100;
    private static final String CHAT = "{\"model\":\"chat-simulator\",\"max_tokens\":2,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String NEW_KEY = "{\"name\":\"refused before this body is read\",\"roles\":[\"developer\"]}";

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;

    private String adminKey;
    private IssuedApiKey developer;

    @BeforeEach
    void keys() {
        adminKey = TestKeys.platformAdminKey(context);
        developer = TestKeys.developerKey(context, "kept-alive", null);
    }

    @Test
    void sequentialMixedRequestsOnReusedConnectionsAreAllAnswered() throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<Integer> statuses = new ArrayList<>();

        for (int round = 0; round < ROUNDS; round++) {
            statuses.add(client.send(get("/v1/models", developer.token()), HttpResponse.BodyHandlers.discarding()).statusCode());
            statuses.add(client.send(get("/admin/v1/tenants/default", adminKey), HttpResponse.BodyHandlers.discarding()).statusCode());
            statuses.add(client.send(post("/admin/v1/tenants/default/api-keys", "not-a-key", NEW_KEY),
                    HttpResponse.BodyHandlers.discarding()).statusCode());
            statuses.add(client.send(post("/v1/chat/completions", developer.token(), CHAT), HttpResponse.BodyHandlers.discarding()).statusCode());
        }

        assertThat(statuses).hasSize(4 * ROUNDS);
        for (int index = 0; index < statuses.size(); index += 4) {
            assertThat(statuses.subList(index, index + 4)).as("round %d", index / 4).containsExactly(200, 200, 401, 200);
        }
    }

    @Test
    void pipelinedMixedRequestsOnOneConnectionAreAllAnswered() throws Exception {
        String batch = raw("GET", "/admin/v1/tenants/default", adminKey, null)
                + raw("GET", "/v1/models", developer.token(), null)
                + raw("POST", "/admin/v1/tenants/default/api-keys", "not-a-key", NEW_KEY)
                + raw("POST", "/v1/chat/completions", developer.token(), CHAT)
                + raw("GET", "/v1/models", developer.token(), null);

        try (RawHttpConnection connection = new RawHttpConnection(port, ANSWER_WITHIN)) {
            for (int round = 0; round < ROUNDS; round++) {
                connection.send(batch);
                List<Integer> statuses = new ArrayList<>();
                for (int answer = 0; answer < 5; answer++) {
                    statuses.add(connection.read().status());
                }
                assertThat(statuses).as("round %d", round).containsExactly(200, 200, 401, 200, 200);
            }
        }
    }

    private HttpRequest get(String path, String token) {
        return HttpRequest.newBuilder(uri(path)).timeout(ANSWER_WITHIN).header("Authorization", "Bearer " + token).GET().build();
    }

    private HttpRequest post(String path, String token, String json) {
        return HttpRequest.newBuilder(uri(path)).timeout(ANSWER_WITHIN)
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build();
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private static String raw(String method, String path, String token, String json) {
        String head = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token + "\r\n";
        if (json == null) {
            return head + "\r\n";
        }
        return head + "Content-Type: application/json\r\nContent-Length: " + json.length() + "\r\n\r\n" + json;
    }
}
