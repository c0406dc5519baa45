package dev.gatehouse.gateway.metering;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Takes records off the request path and writes them in batches on one background thread, so a
 * request never waits for the database. A failed batch is retried until it is written; while the
 * database is away the queue absorbs up to its capacity, beyond which records are counted as
 * dropped and logged, never silently lost.
 */
public final class AsyncBatchWriter<T> implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AsyncBatchWriter.class);
    private static final int MAX_BATCH = 500;
    private static final Duration RETRY_DELAY = Duration.ofMillis(500);
    private static final Duration CLOSE_FLUSH_TIMEOUT = Duration.ofSeconds(10);

    private final String name;
    private final BlockingQueue<T> queue;
    private final Consumer<List<T>> sink;
    private final AtomicLong pending = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final Thread worker;
    private volatile boolean closing;

    public AsyncBatchWriter(String name, int capacity, Consumer<List<T>> sink) {
        this.name = name;
        this.queue = new LinkedBlockingQueue<>(capacity);
        this.sink = sink;
        this.worker = new Thread(this::drain, "gatehouse-" + name + "-writer");
        this.worker.setDaemon(true);
        this.worker.start();
    }

    /** Queues a record; returns false, and counts it as dropped, when the queue is full. */
    public boolean submit(T record) {
        pending.incrementAndGet();
        if (queue.offer(record)) {
            return true;
        }
        pending.decrementAndGet();
        long total = dropped.incrementAndGet();
        LOG.error("{} queue full: record dropped ({} dropped so far)", name, total);
        return false;
    }

    /** Records waiting to be written. */
    public int queueDepth() {
        return queue.size();
    }

    public String name() {
        return name;
    }

    public long droppedCount() {
        return dropped.get();
    }

    /** Records submitted and not yet written: after {@link #close()}, those that were lost with the process. */
    public long unwrittenCount() {
        return pending.get();
    }

    /** Waits until everything submitted so far is written, or the timeout passes; returns whether it was. */
    public boolean flush(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (pending.get() > 0) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(5);
        }
        return true;
    }

    private void drain() {
        List<T> batch = new ArrayList<>(MAX_BATCH);
        while (!(closing && queue.isEmpty())) {
            try {
                T first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                writeUntilWritten(batch);
                pending.addAndGet(-batch.size());
                batch.clear();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void writeUntilWritten(List<T> batch) throws InterruptedException {
        while (true) {
            try {
                sink.accept(List.copyOf(batch));
                return;
            } catch (RuntimeException e) {
                LOG.warn("{} batch of {} not written, retrying: {}", name, batch.size(), e.toString());
                Thread.sleep(RETRY_DELAY.toMillis());
            }
        }
    }

    /**
     * Writes what is queued, waiting at most {@link #CLOSE_FLUSH_TIMEOUT} (a shutdown's in-flight
     * calls have finished by now, so nothing more arrives), and says loudly how many records could
     * not be written in time.
     */
    @Override
    public void close() throws InterruptedException {
        boolean flushed = flush(CLOSE_FLUSH_TIMEOUT);
        closing = true;
        worker.join(Duration.ofSeconds(2).toMillis());
        if (!flushed) {
            LOG.error("{} writer closed with {} records not written (the database did not take them within {})",
                    name, unwrittenCount(), CLOSE_FLUSH_TIMEOUT);
        }
    }
}
