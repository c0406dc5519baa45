package dev.gatehouse.gateway.budgets;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.gatehouse.audit.AuditEvent;
import dev.gatehouse.audit.AuditJournal;
import dev.gatehouse.gateway.budgets.SpendCounters.Spend;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executor;

/**
 * Announces each alert threshold a budget crosses, once per period: as an audit event in the
 * tenant's log and, when the tenant has a webhook, as a delivery in the outbox. A threshold is
 * crossed when the period's spend reaches that share of the limit; 100 % is also crossed when the
 * budget first refuses a call, since from then on calls stop. The database keeps the crossings,
 * so that a threshold is announced once however many replicas see it; each replica remembers what
 * it has announced, so that the database is asked once per threshold, not once per call.
 */
public final class BudgetAlerts {

    public static final String ACTION = "budget threshold crossed";
    private static final Logger LOG = LoggerFactory.getLogger(BudgetAlerts.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final BudgetStore store;
    private final AuditJournal journal;
    private final Executor blocking;
    private final Clock clock;
    private final Cache<String, Boolean> announced = Caffeine.newBuilder().expireAfterWrite(Duration.ofDays(1)).maximumSize(100_000).build();

    public BudgetAlerts(BudgetStore store, AuditJournal journal, Executor blocking, Clock clock) {
        this.store = store;
        this.journal = journal;
        this.blocking = blocking;
        this.clock = clock;
    }

    /** After a call was settled: the thresholds its budget's spend now reaches. */
    public void spent(String tenantSlug, SpendAccount account, Spend spend, List<Integer> thresholds) {
        if (spend == null || account.limitNanos() == 0) {
            return;
        }
        for (int threshold : thresholds) {
            if (reaches(spend.spentNanos(), account.limitNanos(), threshold)) {
                announce(tenantSlug, account, threshold, spend, "spend reached the threshold");
            }
        }
    }

    /** After the budget refused a call: it is exhausted, whatever share its spend reached. */
    public void refused(String tenantSlug, SpendAccount account, Spend spend, List<Integer> thresholds) {
        spent(tenantSlug, account, spend, thresholds);
        if (thresholds.contains(100) && account.limitNanos() > 0) {
            announce(tenantSlug, account, 100, spend, "a call was refused");
        }
    }

    /** Limits are at most 10^15 nano-dollars ({@link Budget#MAX_LIMIT_USD}), so neither product overflows. */
    private static boolean reaches(long spent, long limit, int percent) {
        return spent * 100 >= limit * percent;
    }

    private void announce(String tenantSlug, SpendAccount account, int threshold, Spend spend, String reason) {
        String name = account.counterName() + ":" + threshold;
        if (announced.asMap().putIfAbsent(name, Boolean.TRUE) != null) {
            return;
        }
        blocking.execute(() -> {
            try {
                record(tenantSlug, account, threshold, spend, reason);
            } catch (RuntimeException e) {
                announced.invalidate(name);
                LOG.error("crossing of {} % of the {} budget of tenant {} not recorded; the next call retries", threshold, account.scope(),
                        tenantSlug, e);
            }
        });
    }

    private void record(String tenantSlug, SpendAccount account, int threshold, Spend spend, String reason) {
        Instant now = clock.instant();
        String eventId = UUID.randomUUID().toString();
        BigDecimal spent = SpendAmounts.usd(spend.spentNanos());
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("scope", account.keyId() == null ? "tenant" : "key");
        if (account.keyId() != null) {
            facts.put("key_id", account.keyId());
        }
        facts.put("threshold_percent", threshold);
        facts.put("spent_usd", spent.toPlainString());
        facts.put("limit_usd", SpendAmounts.usd(account.limitNanos()).stripTrailingZeros().toPlainString());
        facts.put("period_start", account.periodStart().toString());
        facts.put("period_end", account.periodEnd().toString());
        facts.put("reason", reason);
        ObjectNode payload = JSON.createObjectNode().put("id", eventId).put("type", "budget.threshold_crossed").put("tenant", tenantSlug)
                .put("occurred_at", now.toString());
        facts.forEach((field, value) -> payload.putPOJO(field, value));
        if (store.recordCrossing(account, threshold, spent, eventId, payload.toString(), now)) {
            journal.append(new AuditEvent(eventId, null, account.tenantId(), now, ACTION, facts)).whenComplete((done, error) -> {
                if (error != null) {
                    LOG.error("audit event {} of a budget alert not journaled", eventId, error);
                }
            });
        }
    }
}
