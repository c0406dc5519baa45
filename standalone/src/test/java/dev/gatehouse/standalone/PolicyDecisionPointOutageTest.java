package dev.gatehouse.standalone;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.gateway.metering.UsageLedger;
import dev.gatehouse.tenant.IssuedApiKey;
import dev.gatehouse.testing.OpaServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
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
 * While it answers, calls are decided by it; once it is gone, calls are refused with 503 and never
 * reach a backend (fail closed).
 */
class PolicyDecisionPointOutageTest {

    private static final Path POLICY_SCRIPTS = Path.of("..", "policy", "scripts");

    @TempDir
    Path workDir;

    @Test
    void decidesThroughOpaAndRefusesEverythingOnceItIsDown() throws Exception {
        Path bundle = buildRegoBundle();
        OpaServer opa = OpaServer.start(POLICY_SCRIPTS.resolve("opa.sh"), bundle);
        try (ConfigurableApplicationContext app = new SpringApplicationBuilder(GatehouseApplication.class).run(
                "--server.port=0",
                "--gatehouse.data-dir=" + workDir.resolve("data"),
                "--gatehouse.policy.opa-url=" + opa.url(),
                "--gatehouse.builtin-backends.chat-simulator.first-token-latency=0ms",
                "--gatehouse.builtin-backends.chat-simulator.inter-token-latency=0ms")) {
            IssuedApiKey key = TestKeys.developerKey(app, "opa-sidecar", null);

            HttpResponse<String> decidedByOpa = chat(app, key);
            assertThat(decidedByOpa.statusCode()).as(decidedByOpa.body()).isEqualTo(200);

            opa.close();
            HttpResponse<String> refused = chat(app, key);

            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(new ObjectMapper().readTree(refused.body()).at("/error/code").asText()).isEqualTo("policy_unavailable");
            // Only the call OPA decided reached a backend and was metered; the refused one never did.
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(app.getBean(UsageLedger.class).findByKey(key.keyId())).hasSize(1));
        } finally {
            opa.close();
        }
    }

    private Path buildRegoBundle() throws Exception {
        Path bundle = workDir.resolve("policy-bundle.tar.gz");
        Process build = new ProcessBuilder("bash", POLICY_SCRIPTS.resolve("build-policy.sh").toString(),
                workDir.resolve("wasm").toString(), bundle.toString())
                .redirectErrorStream(true)
                .redirectOutput(workDir.resolve("build.log").toFile())
                .start();
        assertThat(build.waitFor()).as("policy/scripts/build-policy.sh (needs OPA: policy/scripts/install-opa.sh)").isZero();
        return bundle;
    }

    private static HttpResponse<String> chat(ConfigurableApplicationContext app, IssuedApiKey key) throws Exception {
        String port = app.getEnvironment().getProperty("local.server.port");
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                .header("Authorization", "Bearer " + key.token())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"chat-simulator\",\"messages\":[{\"role\":\"user\",\"content\":\"What is the capital of France?\"}]}"))
                .build(), HttpResponse.BodyHandlers.ofString());
    }
}
