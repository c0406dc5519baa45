package dev.gatehouse.standalone;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.gateway.metering.UsageLedger;
import dev.gatehouse.tenant.IssuedApiKey;
import dev.gatehouse.testing.OpaServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The gateway with the remote decision point: a real OPA server (sidecar) serving the same Rego.
 * While it answers, calls are decided by it and the instance is ready; once it is gone, calls are
 * refused with 503 and never reach a backend (fail closed), and readiness turns DOWN with its
 * {@code policy} component.
 */
class PolicyDecisionPointOutageTest {

    private static final Path POLICY_SCRIPTS = Path.of("..", "policy", "scripts");

    @TempDir
    Path workDir;

    @Test
    void decidesThroughOpaAndRefusesEverythingOnceItIsDown() throws Exception {
        Path bundle = buildRegoBundle();
        OpaServer opa = OpaServer.start(POLICY_SCRIPTS.resolve("opa.sh"), bundle);
        try (ConfigurableApplicationContext app = RunningMarketplace.start(workDir.resolve("data"), "--gatehouse.policy.opa-url=" + opa.url())) {
            IssuedApiKey key = TestKeys.developerKey(app, "opa-sidecar", null);

            HttpResponse<String> decidedByOpa = RunningMarketplace.chat(app, key.token(), "What is the capital of France?");
            assertThat(decidedByOpa.statusCode()).as(decidedByOpa.body()).isEqualTo(200);
            assertThat(readiness(app).statusCode()).isEqualTo(200);

            opa.close();
            HttpResponse<String> refused = RunningMarketplace.chat(app, key.token(), "What is the capital of France?");

            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(new ObjectMapper().readTree(refused.body()).at("/error/code").asText()).isEqualTo("policy_unavailable");
            // Only the call OPA decided reached a backend and was metered; the refused one never did.
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(app.getBean(UsageLedger.class).findByKey(key.keyId())).hasSize(1));
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                HttpResponse<String> readiness = readiness(app);
                assertThat(readiness.statusCode()).isEqualTo(503);
                assertThat(new ObjectMapper().readTree(readiness.body()).at("/components/policy/status").asText()).isEqualTo("DOWN");
            });
        } finally {
            opa.close();
        }
    }

    private static HttpResponse<String> readiness(ConfigurableApplicationContext app) throws Exception {
        URI probe = URI.create("http://127.0.0.1:" + app.getEnvironment().getProperty("local.management.port") + "/actuator/health/readiness");
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(probe).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private Path buildRegoBundle() throws Exception {
        Path bundle = workDir.resolve("policy-bundle.tar.gz");
        Process build = new ProcessBuilder("bash", POLICY_SCRIPTS.resolve("build-policy.sh").toString(),
                workDir.resolve("wasm").toString(), bundle.toString())
                .redirectErrorStream(true)
                .redirectOutput(workDir.resolve("build.log").toFile())
                .start();
        assertThat(build.waitFor()).as("policy/scripts/build-policy.sh (needs OPA, which the build installs: tools/README.md)").isZero();
        return bundle;
    }
}
