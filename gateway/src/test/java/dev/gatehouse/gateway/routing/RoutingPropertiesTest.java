package dev.gatehouse.gateway.routing;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RoutingPropertiesTest {

    @Test
    void defaultsAreThoseDocumented() {
        RoutingProperties defaults = RoutingProperties.DEFAULTS;

        assertThat(defaults.maxAttempts()).isEqualTo(3);
        assertThat(defaults.probePath()).isEqualTo("/models");
        assertThat(defaults.metricsPath()).isEqualTo("/metrics");
        assertThat(defaults.maxQueueWait()).isEqualTo(Duration.ofSeconds(5));
        assertThat(defaults.probing()).isTrue();
    }

    @Test
    void refusesSettingsThatCannotWorkAtStartup() {
        assertThatThrownBy(() -> new RoutingProperties(0, null, null, null, null, null, null, null, null, null, null, null, null))
                .hasMessageContaining("max-attempts");
        assertThatThrownBy(() -> new RoutingProperties(null, null, null, null, null, null, null, "health", null, null, null, null, null))
                .hasMessageContaining("probe-path");
        assertThatThrownBy(() -> new RoutingProperties(null, null, null, null, null, 0, null, null, null, null, null, null, null))
                .hasMessageContaining("breaker-failure-rate");
        assertThatThrownBy(() -> new RoutingProperties(null, null, null, null, null, null, null, null, null, null, null, -1, null))
                .hasMessageContaining("queue-capacity");
    }
}
