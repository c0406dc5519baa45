package dev.gatehouse.standalone;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The health of a service every call depends on (the key service, the policy decision point),
 * checked on a background thread at a fixed interval: a probe reads the last result and never
 * waits on the service. The first check runs when it is created, so readiness is right from the
 * first probe. Changes are logged once each way.
 */
final class BackgroundHealthCheck implements HealthIndicator, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BackgroundHealthCheck.class);

    private final String service;
    private final Map<String, Object> details;
    private final Runnable check;
    private final ScheduledExecutorService scheduler;
    private volatile Health last;

    /**
     * @param check throws when the service cannot serve calls; bounded by the service client's own timeout
     */
    BackgroundHealthCheck(String service, Map<String, Object> details, Runnable check, Duration interval) {
        this.service = service;
        this.details = Map.copyOf(details);
        this.check = check;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "gatehouse-health-" + service);
            thread.setDaemon(true);
            return thread;
        });
        runCheck();
        scheduler.scheduleWithFixedDelay(this::runCheck, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** A service inside this process: up while the process is. */
    static HealthIndicator inProcess(Map<String, Object> details) {
        Health up = Health.up().withDetails(details).build();
        return () -> up;
    }

    @Override
    public Health health() {
        return last;
    }

    private void runCheck() {
        Health previous = last;
        try {
            check.run();
            last = Health.up().withDetails(details).build();
            if (previous != null && !previous.getStatus().equals(last.getStatus())) {
                LOG.info("{} is available again", service);
            }
        } catch (RuntimeException e) {
            last = Health.down().withDetails(details).withDetail("error", e.getMessage()).build();
            if (previous == null || !previous.getStatus().equals(last.getStatus())) {
                LOG.warn("{} is unavailable, this instance is not ready: {}", service, e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
