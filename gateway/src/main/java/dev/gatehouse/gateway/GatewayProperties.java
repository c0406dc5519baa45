package dev.gatehouse.gateway;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;

/**
 * Settings of the data plane, under {@code gatehouse.gateway}. Checked at startup, so a bad value
 * stops the process instead of failing requests.
 *
 * @param maxRequestBytes      largest accepted request body
 * @param cacheRefreshInterval how often keys, tenants and the catalog are re-read; bounds how long a
 *                             revoked key keeps working
 * @param backendRestPeriod    how long a backend that refused a connection is skipped
 * @param writeQueueCapacity   audit and usage records held in memory while the database is slow
 */
@ConfigurationProperties("gatehouse.gateway")
public record GatewayProperties(
        Integer maxRequestBytes,
        Duration cacheRefreshInterval,
        Duration backendRestPeriod,
        Integer writeQueueCapacity) {

    public GatewayProperties {
        maxRequestBytes = maxRequestBytes == null ? 1024 * 1024 : maxRequestBytes;
        cacheRefreshInterval = cacheRefreshInterval == null ? Duration.ofSeconds(2) : cacheRefreshInterval;
        backendRestPeriod = backendRestPeriod == null ? Duration.ofSeconds(5) : backendRestPeriod;
        writeQueueCapacity = writeQueueCapacity == null ? 100_000 : writeQueueCapacity;
        if (maxRequestBytes < 1024 || maxRequestBytes > 64 * 1024 * 1024) {
            throw new IllegalArgumentException("gatehouse.gateway.max-request-bytes must be between 1 KiB and 64 MiB");
        }
        if (cacheRefreshInterval.compareTo(Duration.ofMillis(100)) < 0 || cacheRefreshInterval.compareTo(Duration.ofSeconds(5)) > 0) {
            throw new IllegalArgumentException("gatehouse.gateway.cache-refresh-interval must be between 100ms and 5s");
        }
        if (backendRestPeriod.isNegative() || backendRestPeriod.isZero()) {
            throw new IllegalArgumentException("gatehouse.gateway.backend-rest-period must be positive");
        }
        if (writeQueueCapacity < 1000) {
            throw new IllegalArgumentException("gatehouse.gateway.write-queue-capacity must be at least 1000");
        }
    }
}
