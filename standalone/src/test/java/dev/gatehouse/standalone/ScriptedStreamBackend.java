package dev.gatehouse.standalone;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An inference server that streams the first event of an answer and then misbehaves as told:
 * stalls (and records whether the gateway gave up on the request by closing the connection), or
 * closes the connection in the middle of the stream. Written on a plain socket because WireMock cannot hold a
 * stream open after its first chunk, nor say when its client went away.
 */
final class ScriptedStreamBackend implements AutoCloseable {

    static final String FIRST_EVENT = "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
            + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"The first words\"},\"finish_reason\":null}]}\n\n";

    enum Behaviour { STALL, BREAK_OFF }

    private final ServerSocket listener;
    private final Behaviour behaviour;
    private final AtomicInteger requests = new AtomicInteger();
    private final CountDownLatch requestClosedByGateway = new CountDownLatch(1);
    private final Thread acceptor;

    ScriptedStreamBackend(Behaviour behaviour) throws IOException {
        this.behaviour = behaviour;
        this.listener = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        this.acceptor = daemon(this::accept);
    }

    URI baseUrl() {
        return URI.create("http://127.0.0.1:" + listener.getLocalPort() + "/v1");
    }

    int requests() {
        return requests.get();
    }

    /** Whether the gateway closed the stalled request's connection within the time given. */
    boolean sawTheGatewayGiveUpWithin(long seconds) throws InterruptedException {
        return requestClosedByGateway.await(seconds, TimeUnit.SECONDS);
    }

    private static Thread daemon(Runnable work) {
        Thread thread = new Thread(work, "scripted-stream-backend");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket connection = listener.accept();
                daemon(() -> serve(connection));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket connection) {
        try (connection) {
            InputStream in = connection.getInputStream();
            if (!readRequest(in)) {
                return;
            }
            requests.incrementAndGet();
            OutputStream out = connection.getOutputStream();
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            writeChunk(out, FIRST_EVENT);
            out.flush();
            if (behaviour == Behaviour.BREAK_OFF) {
                // closed in the middle of the chunked body: the answer ends without its last chunk
                return;
            }
            // stalled: nothing more is sent; a read that ends means the gateway closed the connection
            connection.setSoTimeout(60_000);
            if (in.read() == -1) {
                requestClosedByGateway.countDown();
            }
        } catch (IOException gone) {
            requestClosedByGateway.countDown();
        }
    }

    /** Reads one request's head and its Content-Length body; false when the connection ended first. */
    private static boolean readRequest(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        while (matched < end.length) {
            int next = in.read();
            if (next == -1) {
                return false;
            }
            head.write(next);
            matched = next == end[matched] ? matched + 1 : (next == end[0] ? 1 : 0);
        }
        int length = 0;
        for (String line : head.toString(StandardCharsets.US_ASCII).split("\r\n")) {
            if (line.toLowerCase().startsWith("content-length:")) {
                length = Integer.parseInt(line.substring("content-length:".length()).strip());
            }
        }
        return in.readNBytes(length).length == length;
    }

    private static void writeChunk(OutputStream out, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        out.write((Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(bytes);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public void close() throws IOException {
        listener.close();
        acceptor.interrupt();
    }
}
