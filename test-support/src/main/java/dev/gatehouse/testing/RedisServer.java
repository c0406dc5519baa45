package dev.gatehouse.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * A real Redis server (Debian's redis-server) on a free loopback port, without persistence, for
 * tests. The binary is {@code GATEHOUSE_REDIS_BIN} when set, else the one {@code tools/install-redis.sh}
 * installed in the test tools' cache ({@link TestTools}), as the build does before its first module. {@link #stop()} and
 * {@link #start()} again on the same port let a test take Redis away and bring it back.
 */
public final class RedisServer implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

    private final Path binary;
    private final int port;
    private final Path log;
    private Process process;

    private RedisServer(Path binary, int port, Path log) {
        this.binary = binary;
        this.port = port;
        this.log = log;
    }

    /** Starts a server on a free port; fails, saying how to install one, when no binary is found. */
    public static RedisServer startFresh() throws IOException, InterruptedException {
        RedisServer server = new RedisServer(binary(), freePort(), Files.createTempFile("redis-server", ".log"));
        server.start();
        return server;
    }

    public static Path binary() {
        String configured = System.getenv("GATEHOUSE_REDIS_BIN");
        return configured != null && !configured.isBlank() ? Path.of(configured) : TestTools.installed("bin/redis-server");
    }

    /** (Re)starts the server on its port. */
    public synchronized void start() throws IOException, InterruptedException {
        if (process != null && process.isAlive()) {
            return;
        }
        process = new ProcessBuilder(binary.toString(), "--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--protected-mode", "yes")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        awaitPong();
    }

    /** Stops the server; the port stays this server's, for {@link #start()}. */
    public synchronized void stop() throws InterruptedException {
        if (process != null) {
            process.destroy();
            process.waitFor();
            process = null;
        }
    }

    public int port() {
        return port;
    }

    public URI uri() {
        return URI.create("redis://127.0.0.1:" + port);
    }

    private void awaitPong() throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("redis-server exited with " + process.exitValue() + ":\n" + Files.readString(log));
            }
            if (answersPing()) {
                return;
            }
            Thread.sleep(20);
        }
        stop();
        throw new IllegalStateException("redis-server did not answer within " + START_TIMEOUT + ":\n" + Files.readString(log));
    }

    private boolean answersPing() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            socket.setSoTimeout(500);
            OutputStream out = socket.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] answer = in.readNBytes(7);
            return new String(answer, StandardCharsets.US_ASCII).equals("+PONG\r\n");
        } catch (IOException notYet) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
