package dev.gatehouse.gateway.metering;

import org.flywaydb.core.Flyway;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.math.BigDecimal;
import java.sql.Timestamp;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

/** Metered usage in the gateway's own schema ({@code metering}). */
public final class UsageLedger {

    private final JdbcClient jdbc;

    private UsageLedger(DataSource dataSource) {
        this.jdbc = JdbcClient.create(dataSource);
    }

    public static UsageLedger migrate(DataSource dataSource) {
        Flyway.configure()
                .dataSource(dataSource)
                .schemas("metering")
                .locations("classpath:db/metering")
                .load()
                .migrate();
        return new UsageLedger(dataSource);
    }

    public void record(List<UsageRecord> records) {
        for (UsageRecord record : records) {
            jdbc.sql("""
                    INSERT INTO metering.usage (request_id, tenant_id, key_id, endpoint, model_id, backend_id, region,
                        status, streamed, prompt_tokens, completion_tokens, usage_reported, cost, latency_ms, occurred_at)
                    VALUES (:requestId, :tenantId, :keyId, :endpoint, :modelId, :backendId, :region, :status, :streamed,
                        :promptTokens, :completionTokens, :usageReported, :cost, :latencyMs, :occurredAt)
                    ON CONFLICT (request_id) DO NOTHING
                    """)
                    .param("requestId", record.requestId())
                    .param("tenantId", record.tenantId())
                    .param("keyId", record.keyId())
                    .param("endpoint", record.endpoint())
                    .param("modelId", record.modelId())
                    .param("backendId", record.backendId())
                    .param("region", record.region())
                    .param("status", record.status())
                    .param("streamed", record.streamed())
                    .param("promptTokens", record.tokens().promptTokens())
                    .param("completionTokens", record.tokens().completionTokens())
                    .param("usageReported", record.tokens().reportedByBackend())
                    .param("cost", record.cost())
                    .param("latencyMs", record.latencyMillis())
                    .param("occurredAt", Timestamp.from(record.occurredAt()))
                    .update();
        }
    }

    /** The usage booked for one API key, oldest first. */
    public List<UsageRecord> findByKey(String keyId) {
        return jdbc.sql("""
                SELECT request_id, tenant_id, key_id, endpoint, model_id, backend_id, region, status, streamed,
                       prompt_tokens, completion_tokens, usage_reported, cost, latency_ms, occurred_at
                FROM metering.usage WHERE key_id = :keyId ORDER BY occurred_at, request_id
                """)
                .param("keyId", keyId)
                .query((row, index) -> new UsageRecord(
                        row.getString("request_id"),
                        row.getObject("tenant_id", UUID.class),
                        row.getString("key_id"),
                        row.getString("endpoint"),
                        row.getString("model_id"),
                        row.getString("backend_id"),
                        row.getString("region"),
                        row.getInt("status"),
                        row.getBoolean("streamed"),
                        new TokenUsage(row.getInt("prompt_tokens"), row.getInt("completion_tokens"), row.getBoolean("usage_reported")),
                        row.getObject("cost", BigDecimal.class),
                        row.getLong("latency_ms"),
                        row.getTimestamp("occurred_at").toInstant()))
                .list();
    }
}
