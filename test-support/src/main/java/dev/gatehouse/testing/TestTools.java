package dev.gatehouse.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the servers the tests start (OPA, OpenBao, Keycloak, Redis) are installed: the cache that
 * {@code tools/install-test-tools.sh} fills before the build's first module, outside the work tree
 * ({@code $GATEHOUSE_TOOLS}, by default {@code ~/.cache/gatehouse/tools}).
 */
public final class TestTools {

    private TestTools() {
    }

    public static Path home() {
        String configured = System.getenv("GATEHOUSE_TOOLS");
        return configured != null && !configured.isBlank() ? Path.of(configured)
                : Path.of(System.getProperty("user.home"), ".cache", "gatehouse", "tools");
    }

    /**
     * The installed file at {@code relative} under {@link #home()}; fails, saying how to install it,
     * when it is not there.
     */
    public static Path installed(String relative) {
        Path file = home().resolve(relative);
        if (!Files.exists(file)) {
            throw new IllegalStateException(file + " is not installed: './mvnw verify' installs the test tools before its first"
                    + " module, or run 'bash tools/install-test-tools.sh' from the repository root");
        }
        return file;
    }
}
