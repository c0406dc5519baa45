package dev.gatehouse.policy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where the Maven build put the policy it rebuilt from the Rego sources before the tests ran. */
final class PolicyBuild {

    private PolicyBuild() {
    }

    static Path moduleDir() {
        return Path.of(property("gatehouse.policy.module-dir"));
    }

    static Path rebuiltWasm() {
        return existing(Path.of(property("gatehouse.policy.build-dir"), "wasm"));
    }

    static Path regoBundle() {
        return existing(Path.of(property("gatehouse.policy.build-dir"), "policy-bundle.tar.gz"));
    }

    /** The revision scripts/build-policy.sh computed from the Rego sources and reference data. */
    static String revisionOfRegoSources() {
        try {
            return DecisionCodec.MAPPER.readTree(rebuiltWasm().resolve(".manifest").toFile()).get("revision").asText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String property(String name) {
        String value = System.getProperty(name);
        if (value == null) {
            throw new IllegalStateException(name + " is unset: run the tests with ./mvnw -pl policy test");
        }
        return value;
    }

    private static Path existing(Path path) {
        if (!Files.exists(path)) {
            throw new IllegalStateException(path + " is missing: the Maven build runs scripts/build-policy.sh before the tests");
        }
        return path;
    }
}
