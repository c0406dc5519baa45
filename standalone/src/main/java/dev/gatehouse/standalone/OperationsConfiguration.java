package dev.gatehouse.standalone;

import dev.gatehouse.gateway.ReadModelRefresher;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * What operators watch on the management port ({@code management.server.port}, 8081 by default),
 * never on the public one: health with liveness and readiness groups, and Prometheus metrics. A
 * database outage does not stop model calls, which go on from the in-memory read models; it shows
 * here instead.
 */
@Configuration(proxyBeanMethods = false)
class OperationsConfiguration {

    /** {@code readModel} in the readiness group: DOWN while the read models cannot be refreshed from the database. */
    @Bean
    HealthIndicator readModelHealthIndicator(ReadModelRefresher refresher) {
        return () -> (refresher.failing() ? Health.down() : Health.up())
                .withDetail("stale_seconds", refresher.staleness().toSeconds())
                .withDetail("failed_refreshes", refresher.failedRefreshes())
                .build();
    }

    /** {@code gatehouse_read_model_stale_seconds} and {@code gatehouse_read_model_refresh_failures_total} in Prometheus. */
    @Bean
    MeterBinder readModelMetrics(ReadModelRefresher refresher) {
        return registry -> {
            Gauge.builder("gatehouse.read_model.stale", refresher, watched -> watched.staleness().toMillis() / 1000.0)
                    .baseUnit("seconds")
                    .description("Time since the in-memory keys, tenants, catalog and compliance profiles were last refreshed from the database")
                    .register(registry);
            FunctionCounter.builder("gatehouse.read_model.refresh.failures", refresher, ReadModelRefresher::failedRefreshes)
                    .description("Read-model refreshes that failed and kept the previous copies")
                    .register(registry);
        };
    }
}
