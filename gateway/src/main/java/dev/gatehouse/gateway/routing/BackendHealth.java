package dev.gatehouse.gateway.routing;

import dev.gatehouse.catalog.BackendHealthReport;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What this gateway process knows of one backend's health and load: the calls it has in flight
 * there, a circuit breaker over the recent calls' outcomes (resilience4j), passive outlier
 * ejection, the last active probe, the last scraped inference-server metrics, and a moving
 * average of the time to the answer's first byte.
 *
 * <p>Ejection: a connection that cannot be made ejects the backend at once; other failures
 * (5xx, timeouts, broken streams) do after {@code ejectionThreshold} in a row. Each ejection in a
 * row lasts twice the one before, from the base rest period up to the maximum. A backend back from
 * an ejection is ejected again by its next failure. While active probes run, an ejected backend
 * comes back only once a probe succeeds after its ejection ended, so a backend that is still down
 * is not handed live calls to find out.
 */
public final class BackendHealth {

    /** Weight of the newest sample in the moving average of latency. */
    private static final double LATENCY_SMOOTHING = 0.2;

    private final String backendId;
    private final Clock clock;
    private final Duration baseEjection;
    private final RoutingProperties settings;
    private final CircuitBreaker breaker;
    private final AtomicInteger inFlight = new AtomicInteger();

    private int consecutiveFailures;
    private int ejectionsInARow;
    private Instant ejectedUntil = Instant.MIN;
    private boolean awaitingProbe;
    private Instant throttledUntil = Instant.MIN;
    private volatile double meanLatencyMillis = Double.NaN;
    private volatile InferenceServerLoad load;
    private volatile Instant lastProbeAt;
    private volatile boolean lastProbeUp;

    BackendHealth(String backendId, Clock clock, Duration baseEjection, RoutingProperties settings) {
        this.backendId = backendId;
        this.clock = clock;
        this.baseEjection = baseEjection;
        this.settings = settings;
        this.breaker = CircuitBreaker.of(backendId, CircuitBreakerConfig.custom()
                .clock(clock)
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(settings.breakerWindow())
                .minimumNumberOfCalls(settings.breakerWindow())
                .failureRateThreshold(settings.breakerFailureRate())
                .waitDurationInOpenState(settings.breakerOpenDuration())
                .permittedNumberOfCallsInHalfOpenState(2)
                .writableStackTraceEnabled(false)
                .build());
    }

    public String backendId() {
        return backendId;
    }

    /** Not ejected, not waiting for a probe, not asked by the backend itself (429 Retry-After) to wait. */
    public synchronized boolean admitsCalls() {
        Instant now = clock.instant();
        return !now.isBefore(ejectedUntil) && !awaitingProbe && !now.isBefore(throttledUntil);
    }

    public int inFlight() {
        return inFlight.get();
    }

    public InferenceServerLoad load() {
        return load;
    }

    /**
     * Takes one of the backend's {@code maxConcurrent} slots of this gateway and the breaker's
     * permission; false, with nothing taken, when either is not to be had.
     */
    boolean tryAcquire(int maxConcurrent) {
        while (true) {
            int current = inFlight.get();
            if (current >= maxConcurrent) {
                return false;
            }
            if (inFlight.compareAndSet(current, current + 1)) {
                break;
            }
        }
        if (!breaker.tryAcquirePermission()) {
            inFlight.decrementAndGet();
            return false;
        }
        return true;
    }

    void release() {
        inFlight.decrementAndGet();
    }

    void answeredAfter(Duration timeToFirstByte) {
        double sample = timeToFirstByte.toNanos() / 1e6;
        double previous = meanLatencyMillis;
        meanLatencyMillis = Double.isNaN(previous) ? sample : previous + LATENCY_SMOOTHING * (sample - previous);
    }

    void succeeded(Duration took) {
        breaker.onSuccess(took.toNanos(), TimeUnit.NANOSECONDS);
        synchronized (this) {
            consecutiveFailures = 0;
            ejectionsInARow = 0;
        }
    }

    void failed(BackendFailure failure, Duration took) {
        breaker.onError(took.toNanos(), TimeUnit.NANOSECONDS, new BackendFailureSignal(failure));
        synchronized (this) {
            consecutiveFailures++;
            if (failure == BackendFailure.CONNECT || consecutiveFailures >= settings.ejectionThreshold()) {
                eject();
            }
        }
    }

    /** A call that ended without telling anything about the backend (the caller went away first). */
    void undecided() {
        breaker.releasePermission();
    }

    /** The backend answered 429: it is not sick, but asked not to be sent more for a while. */
    void throttled(Duration retryAfter) {
        breaker.releasePermission();
        synchronized (this) {
            Instant until = clock.instant().plus(retryAfter);
            if (until.isAfter(throttledUntil)) {
                throttledUntil = until;
            }
        }
    }

    void probed(boolean up) {
        lastProbeAt = clock.instant();
        lastProbeUp = up;
        synchronized (this) {
            if (!up) {
                eject();
            } else if (awaitingProbe && !clock.instant().isBefore(ejectedUntil)) {
                awaitingProbe = false;
            }
        }
    }

    void scraped(InferenceServerLoad newLoad) {
        load = newLoad;
    }

    private void eject() {
        ejectionsInARow = Math.min(ejectionsInARow + 1, 30);
        Duration length = baseEjection.multipliedBy(1L << Math.min(ejectionsInARow - 1, 20));
        if (length.compareTo(settings.maxEjection()) > 0) {
            length = settings.maxEjection();
        }
        Instant until = clock.instant().plus(length);
        if (until.isAfter(ejectedUntil)) {
            ejectedUntil = until;
        }
        awaitingProbe = settings.probing();
        consecutiveFailures = settings.ejectionThreshold() - 1;
    }

    public synchronized BackendHealthReport report(int maxConcurrent) {
        Instant now = clock.instant();
        CircuitBreaker.Metrics metrics = breaker.getMetrics();
        int calls = metrics.getNumberOfBufferedCalls();
        InferenceServerLoad serverLoad = load;
        return new BackendHealthReport(
                state(now),
                inFlight.get(),
                maxConcurrent,
                calls == 0 ? 0 : (double) metrics.getNumberOfFailedCalls() / calls,
                calls,
                Double.isNaN(meanLatencyMillis) ? null : Math.round(meanLatencyMillis * 10) / 10.0,
                now.isBefore(ejectedUntil) ? ejectedUntil : null,
                lastProbeAt,
                lastProbeAt == null ? null : lastProbeUp,
                serverLoad == null ? null : serverLoad.waiting(),
                serverLoad == null ? null : serverLoad.kvCacheUsage());
    }

    private String state(Instant now) {
        if (now.isBefore(ejectedUntil)) {
            return "ejected";
        }
        if (awaitingProbe) {
            return "awaiting_probe";
        }
        return switch (breaker.getState()) {
            case OPEN, FORCED_OPEN -> "circuit_open";
            case HALF_OPEN -> "circuit_half_open";
            default -> now.isBefore(throttledUntil) ? "throttled" : "healthy";
        };
    }

    /** What the breaker records as the error of a failed call; carries no stack trace. */
    private static final class BackendFailureSignal extends RuntimeException {
        BackendFailureSignal(BackendFailure failure) {
            super(failure.name(), null, false, false);
        }
    }
}
