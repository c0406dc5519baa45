package dev.gatehouse.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two gateway instances share one PostgreSQL, as replicas behind a load balancer do: a key revoked
 * through instance A's admin API stops working on instance B once B's cache refreshes, without
 * any message between the two.
 */
class RevocationAcrossInstancesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** Far above the few seconds expected; only there so that a broken refresh fails instead of hanging. */
    private static final Duration GIVE_UP_AFTER = Duration.ofSeconds(60);

    @RegisterExtension
    static final SharedDatabaseServer database = new SharedDatabaseServer();

    @TempDir
    Path dataDir;

    @Test
    void keyRevokedOnOneInstanceIsRefusedByTheOther() throws Exception {
        try (ConfigurableApplicationContext a = start("a"); ConfigurableApplicationContext b = start("b")) {
            String admin = TestKeys.platformAdminKey(a);
            HttpResponse<String> created = send(HttpRequest.newBuilder(RunningMarketplace.uri(a, "/admin/v1/tenants/default/api-keys"))
                    .header("Authorization", "Bearer " + admin)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"replicated\",\"roles\":[\"developer\"]}")));
            assertThat(created.statusCode()).isEqualTo(201);
            JsonNode key = JSON.readTree(created.body());
            String token = key.get("token").asText();
            awaitStatus(b, token, 200);

            long revokedAt = System.nanoTime();
            HttpResponse<String> revoked = send(HttpRequest.newBuilder(RunningMarketplace.uri(a, "/admin/v1/tenants/default/api-keys/" + key.get("key_id").asText()))
                    .header("Authorization", "Bearer " + admin).DELETE());
            assertThat(revoked.statusCode()).isEqualTo(204);
            assertThat(listModels(a, token).statusCode()).isEqualTo(401);

            HttpResponse<String> refusal = awaitStatus(b, token, 401);
            long delayMillis = Duration.ofNanos(System.nanoTime() - revokedAt).toMillis();
            System.out.println("Revocation on instance A was refused by instance B after " + delayMillis + " ms");
            assertThat(JSON.readTree(refusal.body()).at("/error/code").asText()).isEqualTo("revoked_api_key");
        }
    }

    private ConfigurableApplicationContext start(String name) {
        return RunningMarketplace.start(dataDir.resolve(name), database.marketplaceArguments());
    }

    private static HttpResponse<String> awaitStatus(ConfigurableApplicationContext instance, String token, int status) throws Exception {
        long deadline = System.nanoTime() + GIVE_UP_AFTER.toNanos();
        HttpResponse<String> response = listModels(instance, token);
        while (response.statusCode() != status && System.nanoTime() < deadline) {
            Thread.sleep(50);
            response = listModels(instance, token);
        }
        assertThat(response.statusCode()).as("status of instance %s", instance.getId()).isEqualTo(status);
        return response;
    }

    private static HttpResponse<String> listModels(ConfigurableApplicationContext instance, String token) throws Exception {
        return send(HttpRequest.newBuilder(RunningMarketplace.uri(instance, "/v1/models")).header("Authorization", "Bearer " + token).GET());
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
