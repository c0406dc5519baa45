package dev.gatehouse.scanner.remote;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Gathers the windows of concurrent scans into one request to an inference server, where batching
 * pays (a GPU's cost per window falls as its batch grows, and so does the per-request overhead of
 * HTTP and JSON). A scan hands its text's windows
 * over and gets a future of their logits; one sender thread takes the first waiting scan, adds
 * every scan that arrives within {@code maxWait} while the batch stays within {@code maxWindows},
 * and sends the batch without waiting for the answer. Handing over is a lock-free queue insert,
 * so scans never wait for each other; a scan's windows stay together in one batch (one with more
 * than {@code maxWindows} goes alone).
 */
public final class WindowBatcher implements AutoCloseable {

    private final Function<List<long[]>, CompletableFuture<float[]>> send;
    private final int maxWindows;
    private final long maxWaitNanos;
    private final LinkedTransferQueue<Waiting> queue = new LinkedTransferQueue<>();
    private final Thread sender;
    private volatile boolean closed;

    private record Waiting(List<long[]> windows, CompletableFuture<float[]> logits) {
    }

    public WindowBatcher(String name, Function<List<long[]>, CompletableFuture<float[]>> send, int maxWindows, Duration maxWait) {
        if (maxWindows < 1 || maxWait.isNegative()) {
            throw new IllegalArgumentException("a batch holds at least one window and waits no negative time");
        }
        this.send = send;
        this.maxWindows = maxWindows;
        this.maxWaitNanos = maxWait.toNanos();
        this.sender = new Thread(this::sendBatches, name);
        sender.setDaemon(true);
        sender.start();
    }

    /** The logits of these windows, in order, once the batch they went in is answered. */
    public CompletableFuture<float[]> logits(List<long[]> windows) {
        CompletableFuture<float[]> logits = new CompletableFuture<>();
        if (closed) {
            logits.completeExceptionally(new IllegalStateException("the batcher is closed"));
            return logits;
        }
        queue.add(new Waiting(windows, logits));
        return logits;
    }

    private void sendBatches() {
        Waiting carried = null;
        while (!closed) {
            try {
                Waiting first = carried != null ? carried : queue.take();
                carried = null;
                List<Waiting> batch = new ArrayList<>();
                batch.add(first);
                int windows = first.windows().size();
                long deadline = System.nanoTime() + maxWaitNanos;
                while (windows < maxWindows) {
                    Waiting next = queue.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                    if (next == null) {
                        break;
                    }
                    if (windows + next.windows().size() > maxWindows) {
                        carried = next;
                        break;
                    }
                    batch.add(next);
                    windows += next.windows().size();
                }
                dispatch(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void dispatch(List<Waiting> batch) {
        List<long[]> windows = new ArrayList<>();
        batch.forEach(waiting -> windows.addAll(waiting.windows()));
        CompletableFuture<float[]> answer;
        try {
            answer = send.apply(windows);
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        answer.whenComplete((logits, error) -> {
            int from = 0;
            for (Waiting waiting : batch) {
                int to = from + waiting.windows().size();
                if (error != null) {
                    waiting.logits().completeExceptionally(error);
                } else {
                    waiting.logits().complete(Arrays.copyOfRange(logits, from, to));
                }
                from = to;
            }
        });
    }

    @Override
    public void close() {
        closed = true;
        sender.interrupt();
        Waiting left;
        while ((left = queue.poll()) != null) {
            left.logits().completeExceptionally(new IllegalStateException("the batcher is closed"));
        }
    }
}
