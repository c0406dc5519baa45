package dev.gatehouse.standalone;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A marketplace in a JVM of its own, as a replica runs in production: started from the test's
 * class path, reachable on its own port, stopped by ending the process.
 */
final class MarketplaceProcess implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final Process process;
    private final int port;

    private MarketplaceProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    static MarketplaceProcess start(Path dataDir, String... moreArguments) throws IOException, InterruptedException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", System.getProperty("java.class.path"), GatehouseApplication.class.getName(),
                "--server.port=" + port,
                "--management.server.port=0",
                "--gatehouse.data-dir=" + dataDir,
                "--gatehouse.builtin-backends.chat-simulator.first-token-latency=0ms",
                "--gatehouse.builtin-backends.chat-simulator.inter-token-latency=0ms"));
        command.addAll(List.of(moreArguments));
        java.nio.file.Files.createDirectories(dataDir);
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dataDir.resolve("process.log").toFile()).start();
        MarketplaceProcess started = new MarketplaceProcess(process, port);
        started.awaitListening(dataDir);
        return started;
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private void awaitListening(Path dataDir) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the marketplace process ended: " + java.nio.file.Files.readString(dataDir.resolve("process.log")));
            }
            try {
                HTTP.send(HttpRequest.newBuilder(uri("/v1/models")).build(), HttpResponse.BodyHandlers.discarding());
                return;
            } catch (IOException notYetListening) {
                Thread.sleep(200);
            }
        }
        throw new IllegalStateException("the marketplace process did not listen within " + START_TIMEOUT);
    }

    /** Ends the process at once, as a crashed or evicted replica ends. */
    @Override
    public void close() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }
}
