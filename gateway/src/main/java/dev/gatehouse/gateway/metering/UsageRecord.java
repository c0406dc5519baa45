package dev.gatehouse.gateway.metering;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

/** One metered model call. */
public record UsageRecord(
        String requestId,
        UUID tenantId,
        String keyId,
        String endpoint,
        String modelId,
        String backendId,
        String region,
        int status,
        boolean streamed,
        TokenUsage tokens,
        BigDecimal cost,
        long latencyMillis,
        Instant occurredAt) {
}
