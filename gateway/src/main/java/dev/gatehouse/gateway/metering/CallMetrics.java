package dev.gatehouse.gateway.metering;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Metrics of every metered model call, per tenant, model and backend: calls by status class,
 * prompt and completion tokens, cost, and latency and time-to-first-token histograms with fixed
 * buckets. Each label kind admits at most {@code maxLabelValues} distinct values (later ones are
 * {@code other}), so the number of series stays bounded.
 */
public final class CallMetrics {

    private static final Duration[] LATENCY_BUCKETS = {
            Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
            Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60)};

    private final MeterRegistry registry;
    private final BoundedLabels tenants;
    private final BoundedLabels models;
    private final BoundedLabels backends;

    public CallMetrics(MeterRegistry registry, int maxLabelValues) {
        this.registry = registry;
        this.tenants = new BoundedLabels(maxLabelValues);
        this.models = new BoundedLabels(maxLabelValues);
        this.backends = new BoundedLabels(maxLabelValues);
    }

    public void record(String tenantSlug, UsageRecord call) {
        Tags where = Tags.of("tenant", tenants.of(tenantSlug), "model", models.of(call.modelId()), "backend", backends.of(call.backendId()));
        Counter.builder("gatehouse.model.calls").description("Metered model calls").tags(where)
                .tag("status", call.status() / 100 + "xx").register(registry).increment();
        Counter.builder("gatehouse.model.tokens").description("Tokens of metered model calls").tags(where).tag("kind", "prompt")
                .register(registry).increment(call.tokens().promptTokens());
        Counter.builder("gatehouse.model.tokens").description("Tokens of metered model calls").tags(where).tag("kind", "completion")
                .register(registry).increment(call.tokens().completionTokens());
        Counter.builder("gatehouse.model.cost").description("Cost of metered model calls, in the models' price currency").tags(where)
                .register(registry).increment(call.cost().doubleValue());
        Timer.builder("gatehouse.model.latency").description("From receipt to the end of the answer").tags(where)
                .serviceLevelObjectives(LATENCY_BUCKETS).register(registry).record(call.latencyMillis(), TimeUnit.MILLISECONDS);
        if (call.firstTokenMillis() != null) {
            Timer.builder("gatehouse.model.first_token").description("From receipt to the answer's first byte (a stream's first event)")
                    .tags(where).serviceLevelObjectives(LATENCY_BUCKETS).register(registry)
                    .record(call.firstTokenMillis(), TimeUnit.MILLISECONDS);
        }
    }
}
