package dev.gatehouse.tenant.keycloak;

import dev.gatehouse.testing.TestJvm;
import dev.gatehouse.testing.TestTools;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

/**
 * One real Keycloak per test JVM, started on first use from the distribution that
 * {@code tools/install-keycloak.sh} unpacks into the test tools' cache ({@link TestTools}), with an in-memory
 * database, and stopped when the JVM exits. Test classes share it; each uses its own realm.
 */
public final class KeycloakTestServer {

    public static final String VERSION = "26.7.3";
    public static final String ADMIN_USERNAME = "admin";
    public static final String ADMIN_PASSWORD = "gatehouse-test-admin";
    private static final Duration STARTUP_TIMEOUT = Duration.ofMinutes(5);

    private static URI url;
    private static Process process;

    private KeycloakTestServer() {
    }

    public static synchronized URI url() {
        if (url == null) {
            start();
        }
        return url;
    }

    /** Settings for a realm of the shared server; distinct realm names keep test classes apart. */
    public static KeycloakSettings settings(String realm) {
        return new KeycloakSettings(url(), realm, "gatehouse", "master", ADMIN_USERNAME, ADMIN_PASSWORD);
    }

    /**
     * Under a lock on the distribution, held until the server is ready: {@code start-dev} first rebuilds
     * the distribution's configuration in place, which two test JVMs starting at once (parallel forks)
     * would do over each other.
     */
    private static void start() {
        Path home = distribution();
        try (FileChannel lockFile = FileChannel.open(home.resolve("gatehouse-test-start.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock startingAlone = lockFile.lock()) {
            startUnlocked(home);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock the Keycloak distribution " + home + " to start it", e);
        }
    }

    private static void startUnlocked(Path home) {
        int httpPort = freePort();
        int managementPort = freePort();
        try {
            Path log = Files.createTempFile("keycloak-test", ".log");
            ProcessBuilder builder = new ProcessBuilder(home.resolve("bin/kc.sh").toString(), "start-dev",
                    "--http-port=" + httpPort, "--http-management-port=" + managementPort, "--health-enabled=true", "--db=dev-mem")
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            builder.environment().put("KC_BOOTSTRAP_ADMIN_USERNAME", ADMIN_USERNAME);
            builder.environment().put("KC_BOOTSTRAP_ADMIN_PASSWORD", ADMIN_PASSWORD);
            builder.environment().put("JAVA_OPTS_APPEND", String.join(" ", TestJvm.options()));
            process = builder.start();
            Runtime.getRuntime().addShutdownHook(new Thread(KeycloakTestServer::stop));
            awaitReady(URI.create("http://127.0.0.1:" + managementPort + "/health/ready"), log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start Keycloak from " + home, e);
        }
        url = URI.create("http://127.0.0.1:" + httpPort);
    }

    private static Path distribution() {
        return TestTools.installed("keycloak/keycloak-" + VERSION + "/bin/kc.sh").getParent().getParent();
    }

    private static void awaitReady(URI health, Path log) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Keycloak exited with " + process.exitValue() + " while starting; see " + log);
            }
            try {
                if (http.send(HttpRequest.newBuilder(health).GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYetListening) {
                // starting: poll again
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for Keycloak", e);
            }
            sleep();
        }
        stop();
        throw new IllegalStateException("Keycloak did not become ready within " + STARTUP_TIMEOUT + "; see " + log);
    }

    private static void sleep() {
        try {
            Thread.sleep(500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static synchronized void stop() {
        if (process != null && process.isAlive()) {
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
