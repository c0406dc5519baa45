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
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * One real Keycloak per test JVM, started on first use from the distribution that
 * {@code tools/install-keycloak.sh} unpacks into the test tools' cache ({@link TestTools}), on a
 * database of its own, and stopped when the JVM exits. Test classes share it; each uses its own realm.
 * <p>
 * A new database costs a start most of its time (Keycloak creates its schema, then the master realm
 * and the admin), so the first start on a machine makes a template of that database beside the
 * distribution, and every start begins from a copy of it.
 */
public final class KeycloakTestServer {

    public static final String VERSION = "26.7.3";
    public static final String ADMIN_USERNAME = "admin";
    public static final String ADMIN_PASSWORD = "gatehouse-test-admin";
    private static final Duration STARTUP_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

    private static final String TEMPLATE = "gatehouse-test-database";
    private static final String TEMPLATE_COMPLETE = "complete";

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
        Path template = home.resolve(TEMPLATE);
        try {
            if (!Files.exists(template.resolve(TEMPLATE_COMPLETE))) {
                makeTemplate(home, template);
            }
            Path database = Files.createTempDirectory("keycloak-test-database");
            copyTree(template.resolve("data"), database.resolve("data"));
            url = launch(home, database);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                stop();
                deleteTree(database);
            }));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start Keycloak from " + home, e);
        }
    }

    /** Starts once on an empty database, stops (H2 closes its file), and marks the template complete. */
    private static void makeTemplate(Path home, Path template) throws IOException {
        deleteTree(template);
        Files.createDirectories(template);
        launch(home, template);
        stop();
        Files.createFile(template.resolve(TEMPLATE_COMPLETE));
    }

    /** {@code start-dev} on the H2 database in {@code databaseDirectory}; returns its URL once it is ready. */
    private static URI launch(Path home, Path databaseDirectory) throws IOException {
        int httpPort = freePort();
        int managementPort = freePort();
        Path log = Files.createTempFile("keycloak-test", ".log");
        ProcessBuilder builder = new ProcessBuilder(home.resolve("bin/kc.sh").toString(), "start-dev",
                "--http-port=" + httpPort, "--http-management-port=" + managementPort, "--health-enabled=true", "--db=dev-file")
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().put("KC_BOOTSTRAP_ADMIN_USERNAME", ADMIN_USERNAME);
        builder.environment().put("KC_BOOTSTRAP_ADMIN_PASSWORD", ADMIN_PASSWORD);
        List<String> javaOptions = new ArrayList<>(TestJvm.options());
        javaOptions.add("-Dkc.db-url-path=" + databaseDirectory);
        builder.environment().put("JAVA_OPTS_APPEND", String.join(" ", javaOptions));
        process = builder.start();
        awaitReady(URI.create("http://127.0.0.1:" + managementPort + "/health/ready"), log);
        return URI.create("http://127.0.0.1:" + httpPort);
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

    /** SIGTERM to the script and the JVM it started, and waits for both to end. */
    private static synchronized void stop() {
        if (process == null) {
            return;
        }
        List<ProcessHandle> running = new ArrayList<>(process.descendants().toList());
        running.add(process.toHandle());
        running.forEach(ProcessHandle::destroy);
        for (ProcessHandle handle : running) {
            try {
                handle.onExit().get(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            } catch (TimeoutException | ExecutionException e) {
                handle.destroyForcibly();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                handle.destroyForcibly();
            }
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.toList()) {
                Files.copy(file, to.resolve(from.relativize(file).toString()), StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
    }

    private static void deleteTree(Path directory) {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + directory, e);
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
