package dev.gatehouse.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * A real OPA server on a free loopback port, serving a Rego bundle; started through the
 * project's {@code policy/scripts/opa.sh}, which runs the OPA that tools/install-opa.sh installed.
 */
public final class OpaServer implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final Process process;
    private final URI url;

    private OpaServer(Process process, URI url) {
        this.process = process;
        this.url = url;
    }

    public static OpaServer start(Path opaScript, Path bundle) throws IOException, InterruptedException {
        int port = freePort();
        Path log = Files.createTempFile("opa-server", ".log");
        Process process = new ProcessBuilder("bash", opaScript.toString(),
                "run", "--server", "--addr", "127.0.0.1:" + port, "--bundle", bundle.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        OpaServer server = new OpaServer(process, URI.create("http://127.0.0.1:" + port));
        server.awaitHealthy(log);
        return server;
    }

    public URI url() {
        return url;
    }

    private void awaitHealthy(Path log) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest health = HttpRequest.newBuilder(url.resolve("/health?bundles")).timeout(Duration.ofSeconds(1)).build();
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("opa run --server exited with " + process.exitValue() + ":\n" + Files.readString(log));
            }
            try {
                if (http.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notListeningYet) {
                // keep polling until the deadline
            }
            Thread.sleep(50);
        }
        close();
        throw new IllegalStateException("opa run --server was not healthy within " + START_TIMEOUT + ":\n" + Files.readString(log));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        process.waitFor();
    }
}
