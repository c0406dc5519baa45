package dev.gatehouse.gateway.budgets;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Delivers the outbox of budget alerts to the tenants' webhooks, on one background thread of each
 * replica (replicas share the outbox; each delivery is claimed by one). A delivery is a POST of the
 * alert's JSON with {@code X-Gatehouse-Event-Id} (the same on every attempt, for the receiver to
 * drop repeats) and {@code X-Gatehouse-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of
 * "<t>.<body>" under the tenant's secret>}. Anything but a 2xx answer is retried after
 * {@code retryBase} × 2^(attempts - 1), at most {@code retryMax} apart, until the receiver takes it:
 * an alert is never dropped. Webhook addresses are checked against the same network policy as
 * backends before each attempt.
 */
public final class AlertWebhookSender implements AutoCloseable {

    public static final String SIGNATURE_HEADER = "X-Gatehouse-Signature";
    public static final String EVENT_ID_HEADER = "X-Gatehouse-Event-Id";
    private static final Logger LOG = LoggerFactory.getLogger(AlertWebhookSender.class);
    private static final int BATCH = 20;
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration LEASE = Duration.ofMinutes(1);

    private final BudgetStore store;
    private final Consumer<java.net.URI> urlCheck;
    private final Clock clock;
    private final Duration retryBase;
    private final Duration retryMax;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(REQUEST_TIMEOUT).followRedirects(HttpClient.Redirect.NEVER).build();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "gatehouse-budget-webhooks");
        thread.setDaemon(true);
        return thread;
    });

    public AlertWebhookSender(BudgetStore store, Consumer<java.net.URI> urlCheck, Clock clock, Duration pollInterval, Duration retryBase,
                              Duration retryMax) {
        this.store = store;
        this.urlCheck = urlCheck;
        this.clock = clock;
        this.retryBase = retryBase;
        this.retryMax = retryMax;
        scheduler.scheduleWithFixedDelay(this::deliverDue, pollInterval.toMillis(), pollInterval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Delivers what is due now; failures are kept for their next attempt. */
    void deliverDue() {
        try {
            for (BudgetStore.Delivery delivery : store.claimDue(BATCH, LEASE, clock.instant())) {
                deliver(delivery);
            }
        } catch (RuntimeException e) {
            LOG.warn("budget alert deliveries not claimed now, retried at the next tick: {}", e.toString());
        }
    }

    private void deliver(BudgetStore.Delivery delivery) {
        String failure;
        try {
            failure = attempt(delivery);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = "interrupted";
        }
        Instant now = clock.instant();
        if (failure == null) {
            store.delivered(delivery.id(), now);
            return;
        }
        Instant next = now.plus(backoff(delivery.attempts()));
        LOG.warn("budget alert {} of tenant {} not delivered (attempt {}: {}); next attempt at {}", delivery.eventId(), delivery.tenantId(),
                delivery.attempts(), failure, next);
        store.retryLater(delivery.id(), next, failure);
    }

    /** Null when the receiver took it, else why not. */
    private String attempt(BudgetStore.Delivery delivery) throws InterruptedException {
        if (delivery.webhook() == null) {
            return delivery.unsendable();
        }
        try {
            urlCheck.accept(delivery.webhook().url());
            long timestamp = clock.instant().getEpochSecond();
            HttpResponse<Void> answer = http.send(HttpRequest.newBuilder(delivery.webhook().url())
                    .timeout(REQUEST_TIMEOUT)
                    .header("Content-Type", "application/json")
                    .header(EVENT_ID_HEADER, delivery.eventId())
                    .header(SIGNATURE_HEADER, "t=" + timestamp + ",v1=" + signature(delivery.webhook().secret(), timestamp, delivery.payload()))
                    .POST(HttpRequest.BodyPublishers.ofString(delivery.payload(), StandardCharsets.UTF_8))
                    .build(), HttpResponse.BodyHandlers.discarding());
            return answer.statusCode() / 100 == 2 ? null : "answered " + answer.statusCode();
        } catch (java.io.IOException | RuntimeException e) {
            return e.toString();
        }
    }

    /** The hex HMAC-SHA256 of {@code "<timestamp>.<body>"}: what a receiver recomputes to trust a delivery. */
    public static String signature(String secret, long timestamp, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal((timestamp + "." + body).getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java runtime has HmacSHA256", e);
        }
    }

    Duration backoff(int attempts) {
        Duration delay = retryBase.multipliedBy(1L << Math.min(30, Math.max(0, attempts - 1)));
        return delay.compareTo(retryMax) > 0 ? retryMax : delay;
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }

    @Override
    public String toString() {
        return "AlertWebhookSender[retry after " + retryBase + " doubling up to " + retryMax + "]";
    }
}
