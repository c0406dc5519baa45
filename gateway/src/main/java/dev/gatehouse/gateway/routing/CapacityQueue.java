package dev.gatehouse.gateway.routing;

import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import java.time.Duration;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Calls of a model that wait because every backend the policy permits them is at its maximum
 * concurrency. Bounded per model: a call that finds the queue full is told so at once. A waiter is
 * woken, oldest first, when a backend of its model frees a slot, and looks again on its own after
 * {@link #RECHECK} in any case, so a release that came between its look and its entering the queue
 * costs it at most that.
 */
public final class CapacityQueue {

    static final Duration RECHECK = Duration.ofMillis(50);

    private final int capacityPerModel;
    private final Map<String, Waiters> byModel = new ConcurrentHashMap<>();

    public CapacityQueue(int capacityPerModel) {
        this.capacityPerModel = capacityPerModel;
    }

    /**
     * Completes when a slot of the model may have come free, or after at most {@code patience};
     * empty (without waiting) when the model's queue is full.
     */
    public Mono<Boolean> awaitFreeSlot(String modelId, Duration patience) {
        return Mono.defer(() -> {
            Waiters waiters = byModel.computeIfAbsent(modelId, id -> new Waiters());
            if (waiters.count.incrementAndGet() > capacityPerModel) {
                waiters.count.decrementAndGet();
                return Mono.just(false);
            }
            Sinks.One<Boolean> wakeUp = Sinks.one();
            waiters.queue.add(wakeUp);
            Duration wait = patience.compareTo(RECHECK) < 0 ? patience : RECHECK;
            return wakeUp.asMono()
                    .timeout(wait, Mono.just(true))
                    .doFinally(signal -> {
                        waiters.queue.remove(wakeUp);
                        waiters.count.decrementAndGet();
                    });
        });
    }

    /** A backend of the model freed a slot: wake the longest waiting call. */
    void slotFreed(String modelId) {
        Waiters waiters = byModel.get(modelId);
        if (waiters == null) {
            return;
        }
        Sinks.One<Boolean> oldest;
        while ((oldest = waiters.queue.poll()) != null) {
            if (oldest.tryEmitValue(true).isSuccess()) {
                return;
            }
        }
    }

    int waiting(String modelId) {
        Waiters waiters = byModel.get(modelId);
        return waiters == null ? 0 : waiters.count.get();
    }

    private static final class Waiters {
        private final AtomicInteger count = new AtomicInteger();
        private final Queue<Sinks.One<Boolean>> queue = new ConcurrentLinkedQueue<>();
    }
}
