package dev.gatehouse.standalone;

import dev.gatehouse.testing.TestJvm;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A marketplace in a JVM of its own, as a replica runs in production: started from the test's
 * class path, reachable on its own API and management ports, stopped by ending the process (at
 * once, or with SIGTERM as an orchestrator does).
 */
final class MarketplaceProcess implements AutoCloseable {

    /** Generous: on a machine shared with other builds a start has been seen to take over two minutes. */
    private static final Duration START_TIMEOUT = Duration.ofMinutes(5);
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Pattern BOOTSTRAP_KEY = Pattern.compile("gatehouse_k[a-z2-7]{16}_[A-Za-z0-9_-]{43}");

    private final Process process;
    private final int port;
    private final int managementPort;
    private final Path log;

    private MarketplaceProcess(Process process, int port, int managementPort, Path log) {
        this.process = process;
        this.port = port;
        this.managementPort = managementPort;
        this.log = log;
    }

    /** {@code moreArguments} ({@code --name=value}) add to the defaults below, or replace one of the same name. */
    static MarketplaceProcess start(Path dataDir, String... moreArguments) throws IOException, InterruptedException {
        int port = freePort();
        int managementPort = freePort();
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("--server.port", String.valueOf(port));
        settings.put("--management.server.port", String.valueOf(managementPort));
        settings.put("--gatehouse.data-dir", dataDir.toString());
        settings.put("--gatehouse.builtin-backends.chat-simulator.first-token-latency", "0ms");
        settings.put("--gatehouse.builtin-backends.chat-simulator.inter-token-latency", "0ms");
        for (String argument : moreArguments) {
            int equals = argument.indexOf('=');
            settings.put(argument.substring(0, equals), argument.substring(equals + 1));
        }
        List<String> command = TestJvm.command(List.of("-Xmx512m"), GatehouseApplication.class,
                settings.entrySet().stream().map(setting -> setting.getKey() + "=" + setting.getValue()).toArray(String[]::new));
        Files.createDirectories(dataDir);
        Path log = dataDir.resolve("process.log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        MarketplaceProcess started = new MarketplaceProcess(process, port, managementPort, log);
        try {
            started.awaitListening();
        } catch (RuntimeException | IOException | InterruptedException e) {
            // else a process still starting outlives the test and takes the next tests' CPU
            started.close();
            throw e;
        }
        return started;
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    URI managementUri(String path) {
        return URI.create("http://127.0.0.1:" + managementPort + path);
    }

    /** What the process printed so far (its console and its log). */
    String output() throws IOException {
        return Files.readString(log);
    }

    /** The admin key the first start on a new database prints once, as an operator reads it from the console. */
    String bootstrapKey() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            Matcher key = BOOTSTRAP_KEY.matcher(output());
            if (key.find()) {
                return key.group();
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the first start printed no bootstrap admin key");
    }

    /** Sends SIGTERM, as Kubernetes does to a pod it stops. */
    void terminate() {
        process.toHandle().destroy();
    }

    /** The exit status, if the process ended within {@code timeout}. */
    OptionalInt awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? OptionalInt.of(process.exitValue()) : OptionalInt.empty();
    }

    private void awaitListening() throws InterruptedException, IOException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the marketplace process ended: " + output());
            }
            try {
                HTTP.send(HttpRequest.newBuilder(uri("/v1/models")).build(), HttpResponse.BodyHandlers.discarding());
                return;
            } catch (IOException notYetListening) {
                Thread.sleep(200);
            }
        }
        String output = output();
        throw new IllegalStateException("the marketplace process did not listen within " + START_TIMEOUT + "; it printed last: "
                + output.substring(Math.max(0, output.length() - 4000)));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Ends the process at once, as a crashed or evicted replica ends. */
    @Override
    public void close() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }
}
