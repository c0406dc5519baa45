package dev.gatehouse.standalone;

import dev.gatehouse.crypto.kms.KeyManagementService;
import dev.gatehouse.crypto.kms.VaultTransitKms;
import dev.gatehouse.gateway.GatewayProperties;
import dev.gatehouse.gateway.ReadModelRefresher;
import dev.gatehouse.gateway.limits.LimitBuckets;
import dev.gatehouse.gateway.limits.RedisLimitBuckets;
import dev.gatehouse.gateway.metering.AsyncBatchWriter;
import dev.gatehouse.policy.PolicyDecisionPoint;
import dev.gatehouse.policy.RemotePolicyDecisionPoint;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;


import java.util.List;
import java.util.Map;

/**
 * What operators watch on the management port ({@code management.server.port}, 8081 by default),
 * never on the public one: health with liveness and readiness groups, and Prometheus metrics. A
 * database outage does not stop model calls, which go on from the in-memory read models; it shows
 * here instead. Readiness is DOWN until the application has started (the read models are loaded
 * when their beans are created, before it starts), and while the database, the key service or the
 * policy decision point is unavailable; the remote ones are checked in the background at the
 * read models' refresh interval, so that a probe never waits on them.
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

    /** {@code keyService} in the readiness group: Vault Transit checked in the background; a local keystore is in this process. */
    @Bean
    HealthIndicator keyServiceHealthIndicator(KeyManagementService kms, GatewayProperties properties) {
        if (kms instanceof VaultTransitKms vault) {
            return new BackgroundHealthCheck("the key service (Vault Transit)", Map.of("kind", "vault-transit"),
                    vault::checkAvailable, properties.cacheRefreshInterval());
        }
        return BackgroundHealthCheck.inProcess(Map.of("kind", "local-keystore"));
    }

    /** {@code policy} in the readiness group: an OPA server checked in the background; the Wasm policy is in this process. */
    @Bean
    HealthIndicator policyHealthIndicator(PolicyDecisionPoint decisionPoint, GatewayProperties properties) {
        if (decisionPoint instanceof RemotePolicyDecisionPoint opa) {
            return new BackgroundHealthCheck("the policy decision point (OPA)", Map.of("kind", "opa-server"),
                    opa::checkAvailable, properties.cacheRefreshInterval());
        }
        return BackgroundHealthCheck.inProcess(Map.of("kind", "in-process-wasm"));
    }

    /**
     * {@code limitStore} in the readiness group: DOWN while Redis, which holds the rate limits of
     * every replica, does not answer (calls are refused meanwhile); always UP in memory.
     */
    @Bean
    HealthIndicator limitStoreHealthIndicator(LimitBuckets buckets) {
        return () -> {
            boolean reachable = !(buckets instanceof RedisLimitBuckets redis) || redis.reachable();
            return (reachable ? Health.up() : Health.down()).withDetail("store", buckets.toString()).build();
        };
    }

    /**
     * {@code gatehouse_writer_queue_records} and {@code gatehouse_writer_dropped_total} per writer
     * (usage; the audit journal, which also holds logged content, refuses calls instead of dropping records): what waits for the database, and what a full queue could not keep.
     */
    @Bean
    MeterBinder writerMetrics(List<AsyncBatchWriter<?>> writers) {
        return registry -> {
            for (AsyncBatchWriter<?> writer : writers) {
                Gauge.builder("gatehouse.writer.queue", writer, AsyncBatchWriter::queueDepth)
                        .baseUnit("records")
                        .description("Records waiting to be written to the database")
                        .tag("writer", writer.name())
                        .register(registry);
                FunctionCounter.builder("gatehouse.writer.dropped", writer, AsyncBatchWriter::droppedCount)
                        .description("Records dropped because the writer's queue was full (each also logged as an ERROR)")
                        .tag("writer", writer.name())
                        .register(registry);
            }
        };
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
