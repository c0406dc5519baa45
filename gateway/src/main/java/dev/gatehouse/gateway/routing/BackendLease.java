package dev.gatehouse.gateway.routing;

import dev.gatehouse.catalog.ModelBackend;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One call's hold on one of a backend's concurrency slots in this gateway, from the moment the
 * backend was chosen until the answer ended. It ends exactly once, with the outcome the backend's
 * health learns from; ending frees the slot for the next call of the model, waiting or not.
 */
public final class BackendLease {

    private final ModelBackend backend;
    private final BackendHealth health;
    private final Consumer<ModelBackend> onEnd;
    private final long startedNanos = System.nanoTime();
    private final AtomicBoolean ended = new AtomicBoolean();

    BackendLease(ModelBackend backend, BackendHealth health, Consumer<ModelBackend> onEnd) {
        this.backend = backend;
        this.health = health;
        this.onEnd = onEnd;
    }

    public ModelBackend backend() {
        return backend;
    }

    /** The answer's status and headers arrived: what the moving average of latency measures. */
    public void answered() {
        health.answeredAfter(elapsed());
    }

    public void succeeded() {
        end(() -> health.succeeded(elapsed()));
    }

    public void failed(BackendFailure failure) {
        end(() -> health.failed(failure, elapsed()));
    }

    public void throttled(Duration retryAfter) {
        end(() -> health.throttled(retryAfter));
    }

    /** The caller went away before the backend had shown how it does. */
    public void abandoned() {
        end(health::undecided);
    }

    public boolean isEnded() {
        return ended.get();
    }

    private void end(Runnable record) {
        if (ended.compareAndSet(false, true)) {
            record.run();
            health.release();
            onEnd.accept(backend);
        }
    }

    private Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - startedNanos);
    }
}
