package dev.gatehouse.gateway.routing;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;

/**
 * How the gateway spreads calls over GPU backends, under {@code gatehouse.gateway.routing}; checked
 * at startup. All of it is per gateway process: health, load and capacity are what this process
 * sees and sends (decision 0500).
 *
 * @param maxAttempts         backends one call may be sent to, the first included
 * @param retryDeadline       no further attempt starts once the call is this old
 * @param ejectionThreshold   consecutive failures (5xx, timeouts, broken streams) that eject a backend;
 *                            a connection that cannot be made ejects it at once
 * @param maxEjection         the longest an ejection grows to (it doubles with each ejection in a row,
 *                            from {@code gatehouse.gateway.backend-rest-period})
 * @param breakerWindow       calls the circuit breaker judges a backend's recent error rate over
 * @param breakerFailureRate  error rate, in percent over the window, that opens the breaker
 * @param breakerOpenDuration how long an open breaker refuses calls before letting a few through
 * @param probePath           path under a backend's base URL that active health checks GET
 * @param probeInterval       how often each backend is probed and its metrics scraped; zero turns both off
 * @param probeTimeout        how long a probe or a scrape may take
 * @param metricsPath         path under a backend's origin where an inference server's Prometheus
 *                            metrics are (vLLM, TGI: {@code /metrics}); empty turns scraping off
 * @param queueCapacity       calls of one model that may wait while all of its permitted backends are full
 * @param maxQueueWait        how long such a call waits for a free backend before it is answered 503
 */
@ConfigurationProperties("gatehouse.gateway.routing")
public record RoutingProperties(
        Integer maxAttempts,
        Duration retryDeadline,
        Integer ejectionThreshold,
        Duration maxEjection,
        Integer breakerWindow,
        Integer breakerFailureRate,
        Duration breakerOpenDuration,
        String probePath,
        Duration probeInterval,
        Duration probeTimeout,
        String metricsPath,
        Integer queueCapacity,
        Duration maxQueueWait) {

    public static final RoutingProperties DEFAULTS = new RoutingProperties(null, null, null, null, null, null, null, null, null, null,
            null, null, null);

    public RoutingProperties {
        maxAttempts = maxAttempts == null ? 3 : maxAttempts;
        retryDeadline = retryDeadline == null ? Duration.ofSeconds(30) : retryDeadline;
        ejectionThreshold = ejectionThreshold == null ? 3 : ejectionThreshold;
        maxEjection = maxEjection == null ? Duration.ofMinutes(5) : maxEjection;
        breakerWindow = breakerWindow == null ? 20 : breakerWindow;
        breakerFailureRate = breakerFailureRate == null ? 50 : breakerFailureRate;
        breakerOpenDuration = breakerOpenDuration == null ? Duration.ofSeconds(10) : breakerOpenDuration;
        probePath = probePath == null ? "/models" : probePath;
        probeInterval = probeInterval == null ? Duration.ofSeconds(10) : probeInterval;
        probeTimeout = probeTimeout == null ? Duration.ofSeconds(2) : probeTimeout;
        metricsPath = metricsPath == null ? "/metrics" : metricsPath;
        queueCapacity = queueCapacity == null ? 100 : queueCapacity;
        maxQueueWait = maxQueueWait == null ? Duration.ofSeconds(5) : maxQueueWait;
        require(maxAttempts >= 1 && maxAttempts <= 10, "max-attempts must be between 1 and 10");
        require(positive(retryDeadline), "retry-deadline must be positive");
        require(ejectionThreshold >= 1, "ejection-threshold must be at least 1");
        require(positive(maxEjection), "max-ejection must be positive");
        require(breakerWindow >= 2, "breaker-window must be at least 2");
        require(breakerFailureRate >= 1 && breakerFailureRate <= 100, "breaker-failure-rate must be between 1 and 100");
        require(positive(breakerOpenDuration), "breaker-open-duration must be positive");
        require(probePath.startsWith("/"), "probe-path must start with /");
        require(!probeInterval.isNegative(), "probe-interval must not be negative");
        require(positive(probeTimeout), "probe-timeout must be positive");
        require(metricsPath.isEmpty() || metricsPath.startsWith("/"), "metrics-path must be empty or start with /");
        require(queueCapacity >= 0, "queue-capacity must not be negative");
        require(!maxQueueWait.isNegative(), "max-queue-wait must not be negative");
    }

    public boolean probing() {
        return !probeInterval.isZero();
    }

    private static boolean positive(Duration duration) {
        return !duration.isNegative() && !duration.isZero();
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException("gatehouse.gateway.routing." + message);
        }
    }
}
