package dev.gatehouse.audit;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Bounds the sealed content held by the audit journal until the content log has stored it, in bytes
 * rather than records (one call's content can be a megabyte, another's a line): content that would
 * exceed the budget is not journaled, and the call's audit record says so
 * ({@code content_logged=false}, {@code content_not_logged=queue_full}).
 */
public final class ContentQueueBudget {

    private final long capacityBytes;
    private final AtomicLong queuedBytes = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();

    public ContentQueueBudget(long capacityBytes) {
        if (capacityBytes < 1024 * 1024) {
            throw new IllegalArgumentException("gatehouse.audit.content-queue-bytes must be at least 1 MiB");
        }
        this.capacityBytes = capacityBytes;
    }

    /** Takes room for {@code bytes}; false, and counted, when the queue holds too much already. */
    public boolean tryTake(long bytes) {
        long queued;
        do {
            queued = queuedBytes.get();
            if (queued + bytes > capacityBytes) {
                refused.incrementAndGet();
                return false;
            }
        } while (!queuedBytes.compareAndSet(queued, queued + bytes));
        return true;
    }

    /** Gives room back once content is stored (or was not journaled after all). */
    public void release(long bytes) {
        queuedBytes.addAndGet(-bytes);
    }

    public long queuedBytes() {
        return queuedBytes.get();
    }

    public long refusedCount() {
        return refused.get();
    }
}
