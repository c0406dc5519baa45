package dev.gatehouse.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.testing.TestTools;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The gateway as Python clients call it: the official OpenAI Python SDK (installed by the build
 * into the tools cache, tools/install-openai-python.sh) runs {@code python/openai_sdk_calls.py}
 * against it, every endpoint plain and streamed, errors as the SDK's exceptions. Skipped, saying
 * why, when the SDK could not be installed.
 */
@MarketplaceTest
class OpenAiPythonSdkTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;

    @Test
    void pythonSdkCallsEveryEndpointPlainAndStreamedAndGetsTypedErrors() throws Exception {
        Path python = TestTools.home().resolve("bin/openai-python");
        assumeTrue(Files.isExecutable(python), "The OpenAI Python SDK is not installed in " + python
                + ": PyPI (or python3 with venv) was not available when the build ran tools/install-openai-python.sh");
        Path script = Path.of(getClass().getResource("/python/openai_sdk_calls.py").toURI());
        ProcessBuilder run = new ProcessBuilder(python.toString(), script.toString()).redirectErrorStream(true);
        run.environment().put("GATEHOUSE_BASE_URL", "http://127.0.0.1:" + port + "/v1");
        run.environment().put("GATEHOUSE_KEY", TestKeys.developerKey(context, "python-sdk", null).token());
        run.environment().put("GATEHOUSE_KEEPER_KEY", TestKeys.keyOfTenantLoggingContent(context, "python-keeper").token());

        Process process = run.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();

        assertThat(process.exitValue()).as(output).isZero();
        List<JsonNode> calls = new ArrayList<>();
        for (String line : output.split("\n")) {
            if (line.startsWith("{")) {
                calls.add(JSON.readTree(line));
            }
        }
        assertThat(calls).extracting(call -> call.get("call").asText()).containsExactly("models.list", "models.retrieve",
                "models.retrieve unknown", "chat.completions", "chat.completions stream", "completions", "completions stream",
                "responses", "responses stream", "responses store", "responses stored", "embeddings");
        assertThat(calls.get(2).get("status").asInt()).isEqualTo(404);
        assertThat(calls.get(9).get("code").asText()).isEqualTo("response_storage_not_allowed");
        assertThat(calls.get(10).get("status").asInt()).isEqualTo(404);
    }
}
