package dev.gatehouse.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.tenant.IssuedApiKey;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The database goes away under a running marketplace (external mode, as replicas run): the admin
 * API answers 503 {@code database_unavailable} within a few seconds instead of hanging, model calls
 * go on from memory, readiness turns DOWN and the metrics show the read models going stale; with
 * the database back, readiness is UP again and the admin API answers.
 */
class DatabaseOutageTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** The pool's 2 s connection timeout, with room for a busy machine. */
    private static final Duration PROMPT_ANSWER = Duration.ofSeconds(5);
    private static final Pattern REFRESH_FAILURES = Pattern.compile("(?m)^gatehouse_read_model_refresh_failures_total(?:\\{[^}]*})? (\\S+)$");

    @TempDir
    Path workDir;

    @Test
    void adminApiAnswers503PromptlyAndModelCallsGoOnWhileTheDatabaseIsDown() throws Exception {
        Path databaseDir = workDir.resolve("postgres");
        EmbeddedPostgres database = startDatabase(databaseDir, 0);
        int databasePort = database.getPort();
        try (ConfigurableApplicationContext app = RunningMarketplace.start(workDir.resolve("data"),
                "--gatehouse.database.mode=external",
                "--gatehouse.database.url=" + database.getJdbcUrl("postgres", "postgres"),
                "--gatehouse.database.username=postgres")) {
            String admin = TestKeys.platformAdminKey(app);
            IssuedApiKey developer = TestKeys.developerKey(app, "outage", null);
            await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> readiness(app).statusCode() == 200);
            assertThat(send(HttpRequest.newBuilder(RunningMarketplace.uri(app, "/actuator/health"))).statusCode())
                    .as("health is not served on the API port").isEqualTo(404);

            database.close();

            long asked = System.nanoTime();
            HttpResponse<String> refused = get(RunningMarketplace.uri(app, "/admin/v1/tenants"), admin);
            Duration answeredAfter = Duration.ofNanos(System.nanoTime() - asked);
            System.out.println("With the database down, the admin API answered " + refused.statusCode() + " after " + answeredAfter.toMillis() + " ms");
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
            JsonNode problem = JSON.readTree(refused.body());
            assertThat(problem.at("/error/code").asText()).isEqualTo("database_unavailable");
            assertThat(problem.get("request_id").asText()).isEqualTo(refused.headers().firstValue("X-Request-Id").orElseThrow());
            assertThat(answeredAfter).isLessThan(PROMPT_ANSWER);

            HttpResponse<String> chat = RunningMarketplace.chat(app, developer.token(), "still there?");
            assertThat(chat.statusCode()).as(chat.body()).isEqualTo(200);

            await().atMost(Duration.ofSeconds(20)).ignoreExceptions().untilAsserted(() -> {
                HttpResponse<String> readiness = readiness(app);
                assertThat(readiness.statusCode()).isEqualTo(503);
                assertThat(JSON.readTree(readiness.body()).at("/components/readModel/status").asText()).isEqualTo("DOWN");
            });
            String metrics = send(HttpRequest.newBuilder(management(app, "/actuator/prometheus"))).body();
            assertThat(metrics).contains("gatehouse_read_model_stale_seconds");
            Matcher failures = REFRESH_FAILURES.matcher(metrics);
            assertThat(failures.find()).as(metrics).isTrue();
            assertThat(Double.parseDouble(failures.group(1))).isPositive();
            assertThat(send(HttpRequest.newBuilder(management(app, "/actuator/health/liveness"))).statusCode())
                    .as("the process itself is fine").isEqualTo(200);

            database = startDatabase(databaseDir, databasePort);

            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> readiness(app).statusCode() == 200);
            assertThat(get(RunningMarketplace.uri(app, "/admin/v1/tenants"), admin).statusCode()).isEqualTo(200);
        } finally {
            database.close();
        }
    }

    private static EmbeddedPostgres startDatabase(Path dataDirectory, int port) throws Exception {
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder().setDataDirectory(dataDirectory).setCleanDataDirectory(false);
        if (port > 0) {
            builder.setPort(port);
        }
        return builder.start();
    }

    private static HttpResponse<String> readiness(ConfigurableApplicationContext app) throws Exception {
        return send(HttpRequest.newBuilder(management(app, "/actuator/health/readiness")));
    }

    private static URI management(ConfigurableApplicationContext app, String path) {
        return URI.create("http://127.0.0.1:" + app.getEnvironment().getProperty("local.management.port") + path);
    }

    private static HttpResponse<String> get(URI uri, String bearer) throws Exception {
        return send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + bearer));
    }

    /** Bounded, so that a poll whose kept-alive connection stalls is retried rather than waited out. */
    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
