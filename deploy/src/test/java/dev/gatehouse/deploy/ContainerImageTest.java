package dev.gatehouse.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.testing.TestPostgres;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.common.BaseDataSource;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The container image Jib builds without Docker ({@code standalone/target/jib-image.tar}, a Docker
 * archive): its configuration starts the marketplace as a non-root user with the image's own Java
 * runtime, and, unpacked and run in a chroot as that user (no container engine runs here), it
 * serves, turns ready, and stops cleanly on SIGTERM.
 */
class ContainerImageTest {

    private static final Path IMAGE = Path.of("..", "standalone", "target", "jib-image.tar");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    private static JsonNode config;
    private static List<String> layers;

    @TempDir
    static Path unpacked;

    @BeforeAll
    static void unpackTheImage() throws Exception {
        Path archive = unpacked.resolve("archive");
        Files.createDirectories(archive);
        assertThat(Command.run(archive, List.of("tar", "-xf", IMAGE.toAbsolutePath().toString())).succeeded()).isTrue();
        JsonNode manifest = JSON.readTree(archive.resolve("manifest.json").toFile()).get(0);
        config = JSON.readTree(archive.resolve(manifest.get("Config").asText()).toFile()).get("config");
        layers = new ArrayList<>();
        manifest.get("Layers").forEach(layer -> layers.add(archive.resolve(layer.asText()).toString()));
    }

    @Test
    void startsTheMarketplaceWithItsOwnJavaRuntimeAsANonRootUser() {
        assertThat(strings(config.get("Entrypoint"))).startsWith("/opt/java/bin/java")
                .endsWith("-cp", "@/app/jib-classpath-file", "dev.gatehouse.standalone.GatehouseApplication");
        assertThat(config.get("User").asText()).isEqualTo("10001:10001");
        assertThat(config.get("ExposedPorts").fieldNames()).toIterable().containsExactlyInAnyOrder("8080/tcp", "8081/tcp");
        assertThat(strings(config.get("Env"))).contains("GATEHOUSE_DATA_DIR=/tmp/gatehouse-data");
    }

    @Test
    void carriesTheRuntimeTheLibrariesItNeedsAndTheApplication() throws Exception {
        String listing = String.join("\n", layers.stream().map(ContainerImageTest::listing).toList());

        assertThat(listing)
                .containsPattern("(?m)^-rwxr-xr-x .* opt/java/bin/java$")
                .containsPattern("(?m) lib/x86_64-linux-gnu/libc\\.so\\.6$")
                .containsPattern("(?m) usr/lib/x86_64-linux-gnu/libstdc\\+\\+\\.so\\.6")
                .containsPattern("(?m) app/classes/dev/gatehouse/standalone/GatehouseApplication\\.class$")
                .containsPattern("(?m) app/jib-classpath-file$")
                .containsPattern("(?m)^drwxrwxrwx .* tmp/?$");
        assertThat(listing.lines().filter(entry -> !entry.isBlank()).map(entry -> entry.split("\\s+")[1]).distinct())
                .as("every file belongs to root: the user the image runs as cannot change it").containsExactly("0/0");
    }

    /**
     * Run as the image says, in a chroot as its user, sharing this machine's network: against a real
     * PostgreSQL (the image has no shell, which the embedded one needs), with the built-in backends.
     */
    @Test
    void servesBecomesReadyAndStopsCleanlyOnSigterm() throws Exception {
        Path root = unpacked.resolve("root");
        Files.createDirectories(root);
        for (String layer : layers) {
            assertThat(Command.run(root, List.of("tar", "--warning=no-unknown-keyword", "-xzf", layer)).succeeded()).isTrue();
        }
        Files.createDirectories(root.resolve("proc"));
        assertThat(Command.run(root, List.of("mount", "-t", "proc", "proc", root.resolve("proc").toString())).succeeded())
                .as("mounting /proc in the chroot needs root, as this test does").isTrue();
        int port = freePort();
        int managementPort = freePort();
        String database = ((BaseDataSource) TestPostgres.freshDatabase()).getUrl();
        List<String> command = new ArrayList<>(List.of("chroot", "--userspec=" + config.get("User").asText(), root.toString()));
        command.addAll(strings(config.get("Entrypoint")));
        command.addAll(List.of("--server.port=" + port, "--management.server.port=" + managementPort,
                "--gatehouse.database.mode=external", "--gatehouse.database.url=" + database, "--gatehouse.database.username=postgres"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(unpacked.resolve("container.log").toFile());
        builder.environment().clear();
        for (String variable : strings(config.get("Env"))) {
            builder.environment().put(variable.substring(0, variable.indexOf('=')), variable.substring(variable.indexOf('=') + 1));
        }
        Process container = builder.start();
        try {
            awaitReady(container, managementPort);
            log().lines().filter(line -> line.contains("Started GatehouseApplication")).forEach(System.out::println);
            HttpResponse<String> models = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/models")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(models.statusCode()).as("unauthenticated, answered as a problem").isEqualTo(401);

            container.toHandle().destroy();

            assertThat(container.waitFor(60, TimeUnit.SECONDS)).as(log()).isTrue();
            assertThat(container.exitValue()).as(log()).isZero();
        } finally {
            container.destroyForcibly().waitFor();
            Command.run(root, List.of("umount", root.resolve("proc").toString()));
        }
    }

    private static void awaitReady(Process container, int managementPort) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        URI readiness = URI.create("http://127.0.0.1:" + managementPort + "/actuator/health/readiness");
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            assertThat(container.isAlive()).as(log()).isTrue();
            try {
                if (http.send(HttpRequest.newBuilder(readiness).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYetListening) {
                // starting
            }
            Thread.sleep(500);
        }
        throw new AssertionError("not ready within " + START_TIMEOUT + ":\n" + log());
    }

    private static String log() {
        try {
            return Files.readString(unpacked.resolve("container.log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** {@code tar -tvzf}: mode, owner/group, size, date, name. */
    private static String listing(String layer) {
        try {
            Command list = Command.run(Path.of("."), List.of("tar", "--warning=no-unknown-keyword", "--numeric-owner", "-tvzf", layer));
            assertThat(list.succeeded()).as(list.output()).isTrue();
            return list.output();
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asText()));
        return values;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
