package dev.gatehouse.gateway;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Keeps the gateway's in-memory copies of keys, tenants and catalog current by re-reading them on
 * a fixed interval, on one background thread. A failed refresh keeps the previous copy (traffic
 * goes on while the database is away) and is retried at the next tick.
 */
public final class ReadModelRefresher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ReadModelRefresher.class);

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "gatehouse-read-model-refresh");
        thread.setDaemon(true);
        return thread;
    });

    public ReadModelRefresher(Duration interval, List<Runnable> refreshes) {
        long millis = interval.toMillis();
        scheduler.scheduleWithFixedDelay(() -> refreshes.forEach(ReadModelRefresher::runGuarded), millis, millis, TimeUnit.MILLISECONDS);
    }

    private static void runGuarded(Runnable refresh) {
        try {
            refresh.run();
        } catch (RuntimeException e) {
            LOG.warn("read model refresh failed, keeping the previous copy: {}", e.toString());
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
