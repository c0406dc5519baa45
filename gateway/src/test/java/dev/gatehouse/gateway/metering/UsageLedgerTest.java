package dev.gatehouse.gateway.metering;

import dev.gatehouse.testing.TestPostgres;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import static org.assertj.core.api.Assertions.assertThat;

class UsageLedgerTest {

    private static final Instant NOON = Instant.parse("2026-12-01T12:00:00Z");
    private static final UUID ACME = UUID.randomUUID();
    private static final UUID GLOBEX = UUID.randomUUID();

    private DataSource dataSource;
    private UsageLedger ledger;

    @BeforeEach
    void emptyLedger() {
        dataSource = TestPostgres.freshDatabase();
        ledger = UsageLedger.migrate(dataSource);
    }

    @Test
    void threeCallsWithOneRequestIdAreThreeRecords() {
        ledger.record(List.of(call("call-1", ACME, "again"), call("call-2", ACME, "again")));
        ledger.record(List.of(call("call-3", ACME, "again")));

        assertThat(ledger.findByRequestId(ACME, "again")).extracting(UsageRecord::callId).containsExactly("call-1", "call-2", "call-3");
    }

    @Test
    void theSameRequestIdInTwoTenantsLosesNothingAndIsFoundOnlyInItsTenant() {
        ledger.record(List.of(call("call-a", ACME, "shared"), call("call-g", GLOBEX, "shared")));

        assertThat(ledger.findByRequestId(ACME, "shared")).extracting(UsageRecord::callId).containsExactly("call-a");
        assertThat(ledger.findByRequestId(GLOBEX, "shared")).extracting(UsageRecord::callId).containsExactly("call-g");
    }

    @Test
    void keepsEveryFactOfACall() {
        UsageRecord call = new UsageRecord("call-1", "req-1", ACME, "key-1", "/v1/chat/completions", "gpt-4o", "backend-1", "eu-central",
                200, true, new TokenUsage(12, 34, false), "o200k_base", new BigDecimal("0.000123456"), 250, 40L, NOON);

        ledger.record(List.of(call));

        assertThat(ledger.findByKey("key-1")).containsExactly(call);
    }

    @Test
    void dailyTotalsEqualTheSumOfTheirCallsAndARetriedBatchCountsOnce() {
        List<UsageRecord> batch = List.of(
                call("c1", ACME, "r", "key-1", "m1", NOON, 10, 5, "0.000000001"),
                call("c2", ACME, "r", "key-1", "m1", NOON.plusSeconds(60), 7, 3, "0.100000007"),
                call("c3", ACME, "r", "key-2", "m1", NOON, 1, 1, "0.3"),
                call("c4", ACME, "r", "key-1", "m1", NOON.plusSeconds(13 * 3600), 100, 200, "1.5"),
                call("c5", GLOBEX, "r", "key-9", "m2", NOON, 2, 2, "0.2"));

        ledger.record(batch);
        ledger.record(batch.subList(0, 2));

        JdbcClient jdbc = JdbcClient.create(dataSource);
        List<Map<String, Object>> fromCalls = jdbc.sql("""
                SELECT tenant_id, (occurred_at AT TIME ZONE 'UTC')::date AS day, key_id, model_id, count(*) AS requests,
                       sum(prompt_tokens) AS prompt_tokens, sum(completion_tokens) AS completion_tokens, sum(cost) AS cost
                FROM metering.usage GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4""").query().listOfRows();
        List<Map<String, Object>> totals = jdbc.sql("""
                SELECT tenant_id, day, key_id, model_id, requests, prompt_tokens, completion_tokens, cost
                FROM metering.usage_daily ORDER BY 1, 2, 3, 4""").query().listOfRows();
        assertThat(totals).isEqualTo(fromCalls).hasSize(4);
        assertThat(jdbc.sql("SELECT requests FROM metering.usage_daily WHERE key_id = 'key-1' AND day = '2026-12-01'")
                .query(Long.class).single()).isEqualTo(2);
    }

    private static UsageRecord call(String callId, UUID tenant, String requestId) {
        return call(callId, tenant, requestId, "key-1", "m1", NOON, 1, 1, "0.01");
    }

    private static UsageRecord call(String callId, UUID tenant, String requestId, String keyId, String modelId, Instant at,
                                    int promptTokens, int completionTokens, String cost) {
        return new UsageRecord(callId, requestId, tenant, keyId, "/v1/chat/completions", modelId, "backend-1", "eu-central", 200,
                false, new TokenUsage(promptTokens, completionTokens, true), null, new BigDecimal(cost), 5, 3L, at);
    }
}
