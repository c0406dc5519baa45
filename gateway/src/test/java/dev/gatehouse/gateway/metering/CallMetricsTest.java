package dev.gatehouse.gateway.metering;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class CallMetricsTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final CallMetrics metrics = new CallMetrics(registry, 2);

    @Test
    void countsCallsTokensCostAndTimesPerTenantModelAndBackend() {
        metrics.record("acme", call("m1", 10, 20, "0.5", 120L));
        metrics.record("acme", call("m1", 1, 2, "0.25", null));

        assertThat(registry.get("gatehouse.model.calls").tags("tenant", "acme", "model", "m1", "status", "2xx").counter().count()).isEqualTo(2);
        assertThat(registry.get("gatehouse.model.tokens").tags("kind", "completion").counter().count()).isEqualTo(22);
        assertThat(registry.get("gatehouse.model.cost").counter().count()).isEqualTo(0.75);
        assertThat(registry.get("gatehouse.model.latency").timer().count()).isEqualTo(2);
        assertThat(registry.get("gatehouse.model.first_token").timer().count()).isEqualTo(1);
    }

    @Test
    void tenantsBeyondTheLabelBoundShareOneLabelValue() {
        for (String tenant : new String[] {"first", "second", "third", "fourth"}) {
            metrics.record(tenant, call("m1", 1, 1, "0", null));
        }

        assertThat(registry.get("gatehouse.model.calls").counters()).extracting(counter -> counter.getId().getTag("tenant"))
                .containsExactlyInAnyOrder("first", "second", BoundedLabels.OTHER);
        assertThat(registry.get("gatehouse.model.calls").tag("tenant", BoundedLabels.OTHER).counter().count()).isEqualTo(2);
    }

    private static UsageRecord call(String model, int prompt, int completion, String cost, Long firstToken) {
        return new UsageRecord(UUID.randomUUID().toString(), "r", UUID.randomUUID(), "k", "/v1/chat/completions", model, "b1", "eu-central", 200,
                false, new TokenUsage(prompt, completion, true), null, new BigDecimal(cost), 150, firstToken, Instant.now());
    }
}
