package dev.gatehouse.gateway.metering;

import org.flywaydb.core.Flyway;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.math.BigDecimal;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

import javax.sql.DataSource;

/**
 * Metered usage in the gateway's own schema ({@code metering}): one row per call, keyed by its call
 * id, and daily totals per tenant, key and model. A batch is one statement that inserts the calls
 * and adds exactly the calls it inserted to the totals, so the totals always equal the sum of the
 * rows, and a batch retried after a lost acknowledgement counts nothing twice.
 */
public final class UsageLedger {

    private static final String COLUMNS = """
            call_id, request_id, tenant_id, key_id, endpoint, model_id, backend_id, region, status, streamed,
            prompt_tokens, completion_tokens, usage_reported, counted_with, cost, latency_ms, first_token_ms, occurred_at""";

    private static final String INSERT_BATCH = """
            WITH batch AS (
                SELECT b.call_id, b.request_id, b.tenant_id::uuid AS tenant_id, b.key_id, b.endpoint, b.model_id, b.backend_id,
                       b.region, b.status, b.streamed, b.prompt_tokens, b.completion_tokens, b.usage_reported, b.counted_with,
                       b.cost::numeric AS cost, b.latency_ms, b.first_token_ms, b.occurred_at::timestamptz AS occurred_at
                FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::int[],
                            ?::boolean[], ?::int[], ?::int[], ?::boolean[], ?::text[], ?::text[], ?::int[], ?::int[], ?::text[])
                     AS b(call_id, request_id, tenant_id, key_id, endpoint, model_id, backend_id, region, status, streamed,
                          prompt_tokens, completion_tokens, usage_reported, counted_with, cost, latency_ms, first_token_ms, occurred_at)
            ), inserted AS (
                INSERT INTO metering.usage (%1$s)
                SELECT %1$s FROM batch
                ON CONFLICT (call_id) DO NOTHING
                RETURNING tenant_id, key_id, model_id, occurred_at, prompt_tokens, completion_tokens, cost
            )
            INSERT INTO metering.usage_daily (tenant_id, day, key_id, model_id, requests, prompt_tokens, completion_tokens, cost)
            SELECT tenant_id, (occurred_at AT TIME ZONE 'UTC')::date, key_id, model_id,
                   count(*), sum(prompt_tokens), sum(completion_tokens), sum(cost)
            FROM inserted GROUP BY 1, 2, 3, 4
            ON CONFLICT (tenant_id, day, key_id, model_id) DO UPDATE SET
                requests = usage_daily.requests + EXCLUDED.requests,
                prompt_tokens = usage_daily.prompt_tokens + EXCLUDED.prompt_tokens,
                completion_tokens = usage_daily.completion_tokens + EXCLUDED.completion_tokens,
                cost = usage_daily.cost + EXCLUDED.cost
            """.formatted(COLUMNS);

    static final RowMapper<UsageRecord> ROW = (row, index) -> new UsageRecord(
            row.getString("call_id"),
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
            row.getString("counted_with"),
            row.getObject("cost", BigDecimal.class),
            row.getLong("latency_ms"),
            firstTokenMillis(row.getObject("first_token_ms", Integer.class)),
            row.getTimestamp("occurred_at").toInstant());

    private static Long firstTokenMillis(Integer stored) {
        return stored == null ? null : stored.longValue();
    }

    private final JdbcTemplate template;
    private final JdbcClient jdbc;

    private UsageLedger(DataSource dataSource) {
        this.template = new JdbcTemplate(dataSource);
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

    /** Writes a batch in one statement; a call already recorded (same call id) is neither written nor counted again. */
    public void record(List<UsageRecord> records) {
        if (records.isEmpty()) {
            return;
        }
        template.execute((ConnectionCallback<Integer>) connection -> {
            try (PreparedStatement insert = connection.prepareStatement(INSERT_BATCH)) {
                int parameter = 1;
                insert.setArray(parameter++, column(connection, "text", records, UsageRecord::callId));
                insert.setArray(parameter++, column(connection, "text", records, UsageRecord::requestId));
                insert.setArray(parameter++, column(connection, "text", records, record -> record.tenantId().toString()));
                insert.setArray(parameter++, column(connection, "text", records, UsageRecord::keyId));
                insert.setArray(parameter++, column(connection, "text", records, UsageRecord::endpoint));
                insert.setArray(parameter++, column(connection, "text", records, UsageRecord::modelId));
                insert.setArray(parameter++, column(connection, "text", records, UsageRecord::backendId));
                insert.setArray(parameter++, column(connection, "text", records, UsageRecord::region));
                insert.setArray(parameter++, column(connection, "int4", records, UsageRecord::status));
                insert.setArray(parameter++, column(connection, "bool", records, UsageRecord::streamed));
                insert.setArray(parameter++, column(connection, "int4", records, record -> record.tokens().promptTokens()));
                insert.setArray(parameter++, column(connection, "int4", records, record -> record.tokens().completionTokens()));
                insert.setArray(parameter++, column(connection, "bool", records, record -> record.tokens().reportedByBackend()));
                insert.setArray(parameter++, column(connection, "text", records, UsageRecord::countedWith));
                insert.setArray(parameter++, column(connection, "text", records, record -> record.cost().toPlainString()));
                insert.setArray(parameter++, column(connection, "int4", records, record -> (int) Math.min(Integer.MAX_VALUE, record.latencyMillis())));
                insert.setArray(parameter++, column(connection, "int4", records,
                        record -> record.firstTokenMillis() == null ? null : (int) Math.min(Integer.MAX_VALUE, record.firstTokenMillis())));
                insert.setArray(parameter, column(connection, "text", records, record -> record.occurredAt().toString()));
                return insert.executeUpdate();
            }
        });
    }

    private static Array column(Connection connection, String type, List<UsageRecord> records, Function<UsageRecord, Object> value)
            throws SQLException {
        return connection.createArrayOf(type, records.stream().map(value).toArray());
    }

    /**
     * The tenant's usage on the UTC days from {@code from} up to, not including, {@code until},
     * summed by {@code grouping}, in the order of the groups; read from the daily totals.
     */
    public List<UsageTotal> totals(UUID tenantId, LocalDate from, LocalDate until, UsageGrouping grouping) {
        return dailySums("tenant_id = :selected", tenantId, from, until, grouping);
    }

    /**
     * The usage of the given models by every tenant that called them, on the UTC days from
     * {@code from} up to, not including, {@code until}, summed by {@code grouping}: what a publisher
     * sees of its models. Read from the daily totals.
     */
    public List<UsageTotal> totalsOfModels(Collection<String> modelIds, LocalDate from, LocalDate until, UsageGrouping grouping) {
        if (modelIds.isEmpty()) {
            return List.of();
        }
        return dailySums("model_id IN (:selected)", List.copyOf(modelIds), from, until, grouping);
    }

    /** The daily totals of the rows {@code selection} picks (by the parameter {@code selected}), summed by {@code grouping}. */
    private List<UsageTotal> dailySums(String selection, Object selected, LocalDate from, LocalDate until, UsageGrouping grouping) {
        return jdbc.sql("""
                        SELECT %1$s AS usage_group, sum(requests) AS requests, sum(prompt_tokens) AS prompt_tokens,
                               sum(completion_tokens) AS completion_tokens, sum(cost) AS cost
                        FROM metering.usage_daily
                        WHERE %2$s AND day >= :from AND day < :until
                        GROUP BY 1 ORDER BY 1""".formatted(grouping.column(), selection))
                .param("selected", selected)
                .param("from", from)
                .param("until", until)
                .query((row, index) -> new UsageTotal(row.getString("usage_group"), row.getLong("requests"),
                        row.getLong("prompt_tokens"), row.getLong("completion_tokens"), row.getBigDecimal("cost")))
                .list();
    }

    /**
     * Up to {@code limit} of the tenant's calls from {@code from} up to, not including, {@code until},
     * in the order they occurred, after the call {@code after} (null: from the first); for reading
     * an export page by page, never whole.
     */
    public List<UsageRecord> page(UUID tenantId, Instant from, Instant until, UsageRecord after, int limit) {
        return jdbc.sql("SELECT " + COLUMNS + """
                         FROM metering.usage
                        WHERE tenant_id = :tenantId AND occurred_at >= :from AND occurred_at < :until
                          AND (occurred_at, call_id) > (:afterTime, :afterCall)
                        ORDER BY occurred_at, call_id LIMIT :limit""")
                .param("tenantId", tenantId)
                .param("from", Timestamp.from(from))
                .param("until", Timestamp.from(until))
                .param("afterTime", Timestamp.from(after == null ? from : after.occurredAt()))
                .param("afterCall", after == null ? "" : after.callId())
                .param("limit", limit)
                .query(ROW)
                .list();
    }

    /** The usage booked for one API key, oldest first. */
    public List<UsageRecord> findByKey(String keyId) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM metering.usage WHERE key_id = :keyId ORDER BY occurred_at, call_id")
                .param("keyId", keyId)
                .query(ROW)
                .list();
    }

    /** The tenant's calls that carried this caller's request id (a caller may reuse one), oldest first. */
    public List<UsageRecord> findByRequestId(UUID tenantId, String requestId) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM metering.usage WHERE tenant_id = :tenantId AND request_id = :requestId"
                        + " ORDER BY occurred_at, call_id")
                .param("tenantId", tenantId)
                .param("requestId", requestId)
                .query(ROW)
                .list();
    }
}
