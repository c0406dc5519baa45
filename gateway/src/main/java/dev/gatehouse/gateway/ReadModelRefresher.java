package dev.gatehouse.gateway;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Keeps the gateway's in-memory copies of keys, tenants and catalog current by re-reading them on
 * a fixed interval, on one background thread. A failed refresh keeps the previous copy (traffic
 * goes on while the database is away) and is retried at the next tick.
 *
 * <p>An outage is logged once when refreshes start failing and once when they recover, not at
 * every tick; in between, {@link #failing()}, {@link #staleness()} and {@link #failedRefreshes()}
 * tell health checks and metrics how far behind the copies are.
 */
public final class ReadModelRefresher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ReadModelRefresher.class);

    private final List<Runnable> refreshes;
    private final Clock clock;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "gatehouse-read-model-refresh");
        thread.setDaemon(true);
        return thread;
    });
    private volatile Instant lastSuccess;
    private volatile boolean failing;
    private volatile long failedRefreshes;

    /** The copies were loaded when their owners were created, so they count as fresh from now. */
    public ReadModelRefresher(Duration interval, List<Runnable> refreshes, Clock clock) {
        this.refreshes = List.copyOf(refreshes);
        this.clock = clock;
        this.lastSuccess = clock.instant();
        long millis = interval.toMillis();
        scheduler.scheduleWithFixedDelay(this::refreshAll, millis, millis, TimeUnit.MILLISECONDS);
    }

    /** Whether the last refresh failed: the copies are older than one interval. */
    public boolean failing() {
        return failing;
    }

    /** How long ago every copy was last refreshed successfully. */
    public Duration staleness() {
        return Duration.between(lastSuccess, clock.instant());
    }

    /** Refreshes (ticks) that failed since start, for a metric. */
    public long failedRefreshes() {
        return failedRefreshes;
    }

    /**
     * One tick: every refresh runs even when an earlier one failed (they read different tables).
     * The first failure marks the copies failing at once, so that health checks see an outage
     * without waiting for the remaining refreshes to time out too.
     */
    void refreshAll() {
        RuntimeException firstFailure = null;
        for (Runnable refresh : refreshes) {
            try {
                refresh.run();
            } catch (RuntimeException e) {
                if (firstFailure == null) {
                    firstFailure = e;
                    failed(e);
                }
            }
        }
        if (firstFailure == null) {
            succeeded();
        }
    }

    private void failed(RuntimeException cause) {
        failedRefreshes++;
        if (!failing) {
            failing = true;
            LOG.warn("read model refresh is failing, serving the copies from {} until it recovers: {}", lastSuccess, cause.toString());
        } else {
            LOG.debug("read model refresh still failing: {}", cause.toString());
        }
    }

    private void succeeded() {
        Instant now = clock.instant();
        if (failing) {
            failing = false;
            LOG.info("read model refresh recovered after {} s of stale copies", Duration.between(lastSuccess, now).toSeconds());
        }
        lastSuccess = now;
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
