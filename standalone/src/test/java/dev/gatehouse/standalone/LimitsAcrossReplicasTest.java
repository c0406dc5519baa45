package dev.gatehouse.standalone;

import dev.gatehouse.tenant.IssuedApiKey;
import dev.gatehouse.tenant.Plan;
import dev.gatehouse.testing.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two gateway processes on one PostgreSQL and one Redis: their combined traffic stays within the
 * tenant's plan, and while Redis is away both refuse calls rather than let them through uncounted
 * (and readiness says so); the calls show in Prometheus on the management port.
 */
class LimitsAcrossReplicasTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final int REQUESTS_PER_MINUTE = 20;
    private static final String HELLO = RunningMarketplace.CHAT_BODY_TEMPLATE.formatted("Hello, what is the capital of Italy?");

    @RegisterExtension
    static final SharedDatabaseServer database = new SharedDatabaseServer();
    private static RedisServer redis;

    @TempDir
    Path dataDir;

    @BeforeAll
    static void startRedis() throws Exception {
        redis = RedisServer.startFresh();
    }

    @AfterAll
    static void stopRedis() throws Exception {
        redis.close();
    }

    @Test
    void twoReplicasTogetherAdmitNoMoreThanThePlanAndBothFailClosedWithoutRedis() throws Exception {
        try (ConfigurableApplicationContext b = RunningMarketplace.start(dataDir.resolve("b"), sharedStores())) {
            IssuedApiKey key = TestKeys.developerKeyOnPlan(b, "replicated-limits", new Plan(REQUESTS_PER_MINUTE, 1_000_000, null));
            try (MarketplaceProcess a = MarketplaceProcess.start(dataDir.resolve("a"), sharedStores())) {
                List<Function<String, URI>> replicas = List.of(a::uri, path -> RunningMarketplace.uri(b, path));
                awaitKnown(a.uri("/v1/chat/completions"), key);

                long started = System.nanoTime();
                int admitted = 1;
                int refused = 0;
                for (int call = 0; call < 2 * REQUESTS_PER_MINUTE; call++) {
                    HttpResponse<String> answer = post(replicas.get(call % 2).apply("/v1/chat/completions"), key);
                    assertThat(answer.statusCode()).as(answer.body()).isIn(200, 429);
                    if (answer.statusCode() == 200) {
                        admitted++;
                    } else {
                        refused++;
                    }
                }
                long elapsedSeconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started) + 1;

                // the bucket starts full and refills one request every 60 / 20 = 3 s while the calls run
                assertThat(admitted).isBetween(REQUESTS_PER_MINUTE, REQUESTS_PER_MINUTE + (int) (elapsedSeconds / 3) + 1);
                assertThat(refused).isPositive();
                assertThat(management(b, "/actuator/prometheus").body())
                        .contains("gatehouse_model_calls_total{backend=\"builtin-chat-simulator\",model=\"chat-simulator\",status=\"2xx\",tenant=\"replicated-limits\"}")
                        .contains("gatehouse_model_first_token_seconds_bucket{")
                        .contains("gatehouse_writer_queue_records{writer=\"usage\"}")
                        .contains("gatehouse_writer_dropped_total{writer=\"content\"} 0.0");

                redis.stop();
                try {
                    for (Function<String, URI> replica : replicas) {
                        ProblemAnswer.of(post(replica.apply("/v1/chat/completions"), key)).assertIs(503, "limits_unavailable");
                    }
                    assertThat(readiness(b).statusCode()).isEqualTo(503);
                } finally {
                    redis.start();
                }
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                    assertThat(post(a.uri("/v1/chat/completions"), key).statusCode()).isEqualTo(200);
                    assertThat(readiness(b).statusCode()).isEqualTo(200);
                });
            }
        }
    }

    private static String[] sharedStores() {
        return database.marketplaceArguments("--gatehouse.gateway.cache-refresh-interval=300ms", "--gatehouse.limits.redis-url=" + redis.uri());
    }

    /** Waits until the other replica's read models know the key (the first admitted call). */
    private static void awaitKnown(URI chat, IssuedApiKey key) {
        await().atMost(Duration.ofSeconds(30)).until(() -> post(chat, key).statusCode() == 200);
    }

    private static HttpResponse<String> readiness(ConfigurableApplicationContext app) throws Exception {
        return management(app, "/actuator/health/readiness");
    }

    private static HttpResponse<String> management(ConfigurableApplicationContext app, String path) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + app.getEnvironment().getProperty("local.management.port") + path);
        return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(URI uri, IssuedApiKey key) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + key.token()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(HELLO)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
