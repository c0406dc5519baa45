package dev.gatehouse.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The Wasm policy is committed so that building the gateway needs no OPA; it must match the Rego. */
class PolicyBundleTest {

    @ParameterizedTest
    @ValueSource(strings = {"policy.wasm", "data.json", ".manifest"})
    void committedWasmBundleMatchesTheRegoSources(String file) throws IOException {
        byte[] rebuilt = Files.readAllBytes(PolicyBuild.rebuiltWasm().resolve(file));
        try (InputStream committed = getClass().getResourceAsStream("wasm/" + file)) {
            assertThat(committed).as("committed %s", file).isNotNull();
            assertThat(committed.readAllBytes())
                    .as("src/main/resources/dev/gatehouse/policy/wasm/%s is stale: run policy/scripts/build-policy.sh and commit", file)
                    .isEqualTo(rebuilt);
        }
    }
}
