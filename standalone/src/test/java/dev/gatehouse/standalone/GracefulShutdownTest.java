package dev.gatehouse.standalone;

import dev.gatehouse.gateway.metering.UsageLedger;
import dev.gatehouse.gateway.metering.UsageRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A replica stopped as Kubernetes stops a pod, with SIGTERM, in the middle of a streamed chat:
 * it accepts no new connections, the stream runs to its end, the call's usage record is written,
 * and the process exits with 0 within its grace period.
 */
class GracefulShutdownTest {

    /** Short, so that the test is; the stream below takes a few seconds, well inside it. */
    private static final Duration GRACE_PERIOD = Duration.ofSeconds(15);
    /** Room for the writers' flush and the JVM's exit after the grace period. */
    private static final Duration EXIT_WITHIN = GRACE_PERIOD.plusSeconds(10);
    private static final Pattern BOOTSTRAP_KEY = Pattern.compile("(?m)^\\s+(gatehouse_\\S+)\\s*$");
    private static final Pattern KEY_ID = Pattern.compile("Key id: (\\S+)");
    private static final String SLOW_STREAM = """
            {"model":"chat-simulator","stream":true,"stream_options":{"include_usage":true},
             "messages":[{"role":"user","content":"Please tell me a long story about a lighthouse keeper who counts the waves every night"}]}""";

    @RegisterExtension
    static final SharedDatabaseServer database = new SharedDatabaseServer();

    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dataDir;

    @Test
    void finishesTheStreamInFlightWritesItsUsageAndExitsCleanlyOnSigterm() throws Exception {
        MarketplaceProcess replica = MarketplaceProcess.start(dataDir, database.marketplaceArguments(
                "--gatehouse.builtin-backends.chat-simulator.inter-token-latency=150ms",
                "--spring.lifecycle.timeout-per-shutdown-phase=" + GRACE_PERIOD.toSeconds() + "s"));
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> ready(replica));
            // Ready once started, which is after the first start's bootstrap printed the admin key.
            String output = replica.output();
            String key = group(BOOTSTRAP_KEY, output);
            String keyId = group(KEY_ID, output);

            HttpResponse<InputStream> stream = http.send(HttpRequest.newBuilder(replica.uri("/v1/chat/completions"))
                    .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(SLOW_STREAM)).build(), HttpResponse.BodyHandlers.ofInputStream());
            assertThat(stream.statusCode()).isEqualTo(200);
            List<String> events = new ArrayList<>();
            try (BufferedReader body = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
                events.add(nextEvent(body));

                replica.terminate();

                await().atMost(GRACE_PERIOD).until(() -> !ready(replica));
                await("no new connection is accepted").atMost(GRACE_PERIOD).until(() -> refusesConnections(replica));
                for (String event = nextEvent(body); event != null; event = nextEvent(body)) {
                    events.add(event);
                }
            }
            assertThat(events).as("the stream ran to its end").last().isEqualTo("[DONE]");
            assertThat(events).anySatisfy(event -> assertThat(event).contains("\"finish_reason\":\"stop\""));

            OptionalInt exit = replica.awaitExit(EXIT_WITHIN);
            assertThat(exit).as(replica.output()).hasValue(0);
            List<UsageRecord> usage = UsageLedger.migrate(database.dataSource()).findByKey(keyId);
            assertThat(usage).singleElement().satisfies(record -> {
                assertThat(record.streamed()).isTrue();
                assertThat(record.tokens().completionTokens()).isPositive();
            });
        } finally {
            replica.close();
        }
    }

    /** The data of the next server-sent event, or null at the end of the stream. */
    private static String nextEvent(BufferedReader body) throws IOException {
        for (String line = body.readLine(); line != null; line = body.readLine()) {
            if (line.startsWith("data:")) {
                return line.substring("data:".length()).strip();
            }
        }
        return null;
    }

    private boolean refusesConnections(MarketplaceProcess replica) throws InterruptedException {
        try {
            http.send(HttpRequest.newBuilder(replica.uri("/v1/models")).timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
            return false;
        } catch (ConnectException refused) {
            return true;
        } catch (IOException other) {
            return false;
        }
    }

    /** Readiness as a load balancer sees it: a refused connection is not ready either. */
    private boolean ready(MarketplaceProcess replica) throws InterruptedException {
        try {
            return http.send(HttpRequest.newBuilder(replica.managementUri("/actuator/health/readiness")).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        }
    }

    private static String group(Pattern pattern, String text) {
        Matcher matcher = pattern.matcher(text);
        assertThat(matcher.find()).as(text).isTrue();
        return matcher.group(1);
    }
}
