package dev.gatehouse.gateway.metering;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

/**
 * One metered model call, keyed by the gateway's {@code callId}; {@code requestId} is the caller's
 * {@code X-Request-Id}, which may repeat. {@code firstTokenMillis} is the time to the answer's first
 * byte (null when none came); {@code countedWith} names the tokenizer that counted the tokens when
 * the backend reported none (null when it did).
 */
public record UsageRecord(
        String callId,
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
        String countedWith,
        BigDecimal cost,
        long latencyMillis,
        Long firstTokenMillis,
        Instant occurredAt) {
}
