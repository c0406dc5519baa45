package dev.gatehouse.standalone;

import dev.gatehouse.gateway.budgets.BudgetDirectory;
import dev.gatehouse.gateway.budgets.BudgetPeriod;
import dev.gatehouse.gateway.budgets.BudgetStore;
import dev.gatehouse.gateway.budgets.TenantBudgetSettings;
import dev.gatehouse.gateway.metering.UsageGrouping;
import dev.gatehouse.gateway.metering.UsageLedger;
import dev.gatehouse.gateway.metering.UsageTotal;
import dev.gatehouse.tenant.IssuedApiKey;
import dev.gatehouse.tenant.Plan;
import dev.gatehouse.testing.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two gateway processes on one PostgreSQL and one Redis: their combined traffic stays within the
 * tenant's plan and its budget, and while Redis is away both refuse calls rather than let them
 * through uncounted (and readiness says so), except for a tenant that chose to be admitted then;
 * the calls show in Prometheus on the management port.
 */
class LimitsAcrossReplicasTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final int REQUESTS_PER_MINUTE = 20;
    private static final String HELLO = RunningMarketplace.CHAT_BODY_TEMPLATE.formatted("Hello, what is the capital of Italy?");
    /** Priced so that a short call costs about two cents: input 100 USD and output 1000 USD per million tokens. */
    private static final String PRICEY_HELLO = "{\"model\":\"" + TestCatalog.PRICEY_MODEL + "\",\"max_tokens\":40,\"messages\":[{\"role\":\"user\","
            + "\"content\":\"Hello, what is the capital of Italy?\"}]}";

    @RegisterExtension
    static final SharedDatabaseServer database = new SharedDatabaseServer();
    private static RedisServer redis;
    /** Replica b runs in the test's JVM (its beans are at hand), replica a in a JVM of its own; both tests share the pair. */
    private static ConfigurableApplicationContext b;
    private static MarketplaceProcess a;
    private static List<Function<String, URI>> replicas;

    @TempDir
    static Path dataDir;

    @BeforeAll
    static void startTwoReplicasOnOneDatabaseAndOneRedis() throws Exception {
        redis = RedisServer.startFresh();
        b = RunningMarketplace.start(dataDir.resolve("b"), sharedStores());
        TestCatalog.priceySimulator(b);
        a = MarketplaceProcess.start(dataDir.resolve("a"), sharedStores());
        replicas = List.of(a::uri, path -> RunningMarketplace.uri(b, path));
    }

    @AfterAll
    static void stopReplicasAndRedis() throws Exception {
        try (RedisServer stopped = redis; ConfigurableApplicationContext inProcess = b; MarketplaceProcess ownJvm = a) {
            // closed in reverse order: the replicas before their Redis
        }
    }

    @Test
    void twoReplicasTogetherAdmitNoMoreThanThePlanAndBothFailClosedWithoutRedis() throws Exception {
        awaitBothReady();
        IssuedApiKey key = TestKeys.developerKeyOnPlan(b, "replicated-limits", new Plan(REQUESTS_PER_MINUTE, 1_000_000, null));
        HttpResponse<String> firstAdmitted = awaitKnown(a.uri("/v1/chat/completions"), key);
        assertThat(firstAdmitted.headers().firstValue("x-ratelimit-limit-requests")).hasValue(String.valueOf(REQUESTS_PER_MINUTE));
        // calls that reached the limiter while replica a's other read models were still behind were counted without a 200
        int leftInBucket = Integer.parseInt(firstAdmitted.headers().firstValue("x-ratelimit-remaining-requests").orElseThrow());
        assertThat(leftInBucket).isLessThan(REQUESTS_PER_MINUTE);

        long started = System.nanoTime();
        int admitted = 0;
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

        // the bucket refills one request every 60 / 20 = 3 s while the calls run
        assertThat(admitted).isBetween(leftInBucket, leftInBucket + (int) (elapsedSeconds / 3) + 1);
        assertThat(refused).isPositive();
        assertThat(management(b, "/actuator/prometheus").body())
                .contains("gatehouse_model_calls_total{backend=\"builtin-chat-simulator\",model=\"chat-simulator\",status=\"2xx\",tenant=\"replicated-limits\"}")
                .contains("gatehouse_model_first_token_seconds_bucket{")
                .contains("gatehouse_writer_queue_records{writer=\"usage\"}")
                .contains("gatehouse_writer_dropped_total{writer=\"usage\"} 0.0");

        redis.stop();
        try {
            for (Function<String, URI> replica : replicas) {
                ProblemAnswer.of(post(replica.apply("/v1/chat/completions"), key)).assertIs(503, "limits_unavailable");
            }
            assertThat(readiness(b).statusCode()).isEqualTo(503);
        } finally {
            redis.start();
        }
        awaitBothReady();
        awaitKnown(a.uri("/v1/chat/completions"), key);
    }

    @Test
    void twoReplicasTogetherSpendNoMoreThanOneBudgetAndATenantThatChoseSoGoesOnWithoutRedis() throws Exception {
        awaitBothReady();
        Plan generous = new Plan(10_000, 10_000_000, null);
        IssuedApiKey budgeted = TestKeys.developerKeyOnPlan(b, "replicated-budget", generous);
        IssuedApiKey admitted = TestKeys.developerKeyOnPlan(b, "admitted-without-redis", generous);
        BudgetStore budgets = b.getBean(BudgetStore.class);
        budgets.save(new TenantBudgetSettings(budgeted.tenantId(), new BigDecimal("0.50"), BudgetPeriod.MONTHLY,
                TenantBudgetSettings.DEFAULT_THRESHOLDS, null, false));
        budgets.save(new TenantBudgetSettings(admitted.tenantId(), new BigDecimal("100.00"), BudgetPeriod.MONTHLY,
                TenantBudgetSettings.DEFAULT_THRESHOLDS, null, true));
        b.getBean(BudgetDirectory.class).refresh();
        awaitKnown(a.uri("/v1/chat/completions"), admitted, PRICEY_HELLO);

        List<CompletableFuture<HttpResponse<String>>> concurrent = new ArrayList<>();
        for (int call = 0; call < 40; call++) {
            concurrent.add(HTTP.sendAsync(request(replicas.get(call % 2).apply("/v1/chat/completions"), budgeted, PRICEY_HELLO),
                    HttpResponse.BodyHandlers.ofString()));
        }
        List<Integer> statuses = new ArrayList<>(concurrent.stream().map(CompletableFuture::join).map(HttpResponse::statusCode).toList());
        for (int call = 0; call < 60 && !statuses.contains(402); call++) {
            statuses.add(post(replicas.get(call % 2).apply("/v1/chat/completions"), budgeted, PRICEY_HELLO).statusCode());
        }

        assertThat(statuses).containsOnly(200, 402).contains(200, 402);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(meteredCalls(b, budgeted))
                .isEqualTo(statuses.stream().filter(status -> status == 200).count()));
        assertThat(meteredCost(b, budgeted)).isPositive().isLessThanOrEqualTo(new BigDecimal("0.50"));

        redis.stop();
        try {
            for (Function<String, URI> replica : replicas) {
                ProblemAnswer.of(post(replica.apply("/v1/chat/completions"), budgeted, PRICEY_HELLO)).assertIs(503, "limits_unavailable");
                HttpResponse<String> uncounted = post(replica.apply("/v1/chat/completions"), admitted, PRICEY_HELLO);
                assertThat(uncounted.statusCode()).as(uncounted.body()).isEqualTo(200);
                assertThat(uncounted.headers().firstValue("x-ratelimit-limit-requests")).isEmpty();
            }
        } finally {
            redis.start();
        }
    }

    private static BigDecimal meteredCost(ConfigurableApplicationContext app, IssuedApiKey key) {
        return monthSoFar(app, key).stream().map(UsageTotal::cost).reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    private static long meteredCalls(ConfigurableApplicationContext app, IssuedApiKey key) {
        return monthSoFar(app, key).stream().mapToLong(UsageTotal::requests).sum();
    }

    private static List<UsageTotal> monthSoFar(ConfigurableApplicationContext app, IssuedApiKey key) {
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        return app.getBean(UsageLedger.class).totals(key.tenantId(), today.withDayOfMonth(1), today.plusDays(1), UsageGrouping.DAY);
    }

    /**
     * Forty calls at once make four Redis round trips each on a machine that may be heavily loaded:
     * a longer command timeout than the 250 ms default, so that slowness is not taken for an outage.
     */
    private static String[] sharedStores() {
        return database.marketplaceArguments("--gatehouse.gateway.cache-refresh-interval=300ms", "--gatehouse.limits.redis-url=" + redis.uri(),
                "--gatehouse.limits.redis-timeout=3s");
    }

    /** Each test starts with Redis up and both replicas connected to it again (the other test stops and restarts it). */
    private static void awaitBothReady() {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(readiness(b).statusCode()).isEqualTo(200);
            assertThat(HTTP.send(HttpRequest.newBuilder(a.managementUri("/actuator/health/readiness")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(200);
        });
    }

    /** Waits until the other replica's read models know the key (the first admitted call). */
    private static HttpResponse<String> awaitKnown(URI chat, IssuedApiKey key) {
        return awaitKnown(chat, key, HELLO);
    }

    private static HttpResponse<String> awaitKnown(URI chat, IssuedApiKey key, String body) {
        return await().atMost(Duration.ofSeconds(30)).until(() -> post(chat, key, body), answer -> answer.statusCode() == 200);
    }

    private static HttpResponse<String> readiness(ConfigurableApplicationContext app) throws Exception {
        return management(app, "/actuator/health/readiness");
    }

    private static HttpResponse<String> management(ConfigurableApplicationContext app, String path) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + app.getEnvironment().getProperty("local.management.port") + path);
        return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(URI uri, IssuedApiKey key) throws Exception {
        return post(uri, key, HELLO);
    }

    private static HttpResponse<String> post(URI uri, IssuedApiKey key, String body) throws Exception {
        return HTTP.send(request(uri, key, body), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest request(URI uri, IssuedApiKey key, String body) {
        return HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + key.token()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }
}
