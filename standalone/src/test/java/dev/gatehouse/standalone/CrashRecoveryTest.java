package dev.gatehouse.standalone;

import dev.gatehouse.audit.verify.BundleVerifier;
import dev.gatehouse.gateway.filter.RequestIdentityFilter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A marketplace killed with SIGKILL under load and restarted at once (as a supervisor does): it
 * starts although its embedded PostgreSQL was left running, every call it had answered with 200 is
 * in the audit log, every record that says {@code content_logged=true} has its content in the
 * content log, and the tenant's log exports as a bundle that verifies offline.
 */
class CrashRecoveryTest {

    private static final int CALLERS = 6;

    @TempDir
    Path dataDir;

    @Test
    void everyCallAnsweredBeforeASigkillIsInTheVerifiedLogWithTheContentItClaimsAfterAnImmediateRestart() throws Exception {
        int databasePort = freePort();
        String database = "--gatehouse.database.embedded-port=" + databasePort;
        Set<String> answered = ConcurrentHashMap.newKeySet();
        MarketplaceProcess first = MarketplaceProcess.start(dataDir, database, "--gatehouse.audit.checkpoint-interval=500ms",
                "--gatehouse.gateway.cache-refresh-interval=200ms");
        String adminKey = first.bootstrapKey();
        HttpResponse<String> logging = HttpClient.newHttpClient().send(HttpRequest.newBuilder(first.uri("/admin/v1/tenants/default"))
                .header("Authorization", "Bearer " + adminKey).header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"content_logging\":true,\"retention_days\":30}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(logging.statusCode()).as(logging.body()).isEqualTo(200);
        AtomicBoolean loading = new AtomicBoolean(true);
        ExecutorService callers = Executors.newFixedThreadPool(CALLERS);
        try {
            for (int i = 0; i < CALLERS; i++) {
                callers.submit(() -> callUntilStopped(first, adminKey, answered, loading));
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (answered.size() < 300 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            first.close();
        } finally {
            loading.set(false);
            callers.shutdown();
            assertThat(callers.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(answered).hasSizeGreaterThanOrEqualTo(300);

        try (MarketplaceProcess restarted = MarketplaceProcess.start(dataDir, database)) {
            assertThat(Files.readString(dataDir.resolve("process.log"))).as("the killed process's PostgreSQL was still running")
                    .contains("left by a previous process still runs");
            JdbcClient sql = JdbcClient.create(new DriverManagerDataSource("jdbc:postgresql://127.0.0.1:" + databasePort + "/postgres", "postgres", ""));
            List<String> logged = sql.sql("SELECT record_id FROM audit.entries WHERE record_id = ANY (:ids)")
                    .param("ids", answered.toArray(String[]::new)).query(String.class).list();
            assertThat(logged).as("calls answered with 200 before the kill, and audited").containsExactlyInAnyOrderElementsOf(answered);
            List<String> claimingContent = sql.sql("SELECT record_id FROM audit.entries WHERE leaf LIKE '%\"content_logged\":true%'")
                    .query(String.class).list();
            assertThat(claimingContent).as("most answered calls logged their content").hasSizeGreaterThan(answered.size() / 2);
            List<String> withContent = sql.sql("SELECT call_id FROM audit.content_records WHERE call_id = ANY (:ids)")
                    .param("ids", claimingContent.toArray(String[]::new)).query(String.class).list();
            assertThat(withContent).as("records saying content_logged=true, with their content").containsExactlyInAnyOrderElementsOf(claimingContent);

            HttpResponse<Path> export = HttpClient.newHttpClient().send(HttpRequest.newBuilder(restarted.uri("/admin/v1/tenants/default/audit/export"))
                    .header("Authorization", "Bearer " + adminKey).build(), HttpResponse.BodyHandlers.ofFile(dataDir.resolve("bundle.zip")));
            assertThat(export.statusCode()).isEqualTo(200);
            assertThat(Long.parseLong(export.headers().firstValue("X-Gatehouse-Export-Records").orElseThrow())).isGreaterThanOrEqualTo(answered.size());
            assertThat(BundleVerifier.verify(export.body()).problems()).isEmpty();
        }
    }

    private static void callUntilStopped(MarketplaceProcess marketplace, String key, Set<String> answered, AtomicBoolean loading) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        int call = 0;
        while (loading.get()) {
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(marketplace.uri("/v1/chat/completions"))
                        .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                        .timeout(Duration.ofSeconds(10))
                        .POST(HttpRequest.BodyPublishers.ofString(RunningMarketplace.CHAT_BODY_TEMPLATE.formatted(
                                "Please tell me about the weather in Paris today, question " + call++)))
                        .build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200 && response.body().endsWith("}")) {
                    answered.add(response.headers().firstValue(RequestIdentityFilter.CALL_ID_HEADER).orElseThrow());
                }
            } catch (IOException killed) {
                // the process is gone: calls without an answer need no record
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** The first start prints the bootstrap admin key, once it has set up the default tenant (maybe after it listens). */
    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
