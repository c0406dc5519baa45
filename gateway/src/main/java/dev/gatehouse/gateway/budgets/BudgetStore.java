package dev.gatehouse.gateway.budgets;

import dev.gatehouse.crypto.CryptoException;
import dev.gatehouse.crypto.EncryptionContext;
import dev.gatehouse.crypto.TenantCipher;
import dev.gatehouse.crypto.TenantId;
import org.flywaydb.core.Flyway;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.math.BigDecimal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Date;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

/**
 * Budgets in the gateway's own schema ({@code budgets}): the tenants' settings and the keys' own
 * budgets, the thresholds crossed in each period (each once, whichever replica saw it first), and
 * the outbox of webhook deliveries, which holds every alert until its receiver has taken it. What a
 * period has spent so far is read from the metering schema's daily totals, the record of every call.
 * A webhook's secret is sealed with the tenant's own key, so a copy of the database does not sign
 * alerts, and erasing the tenant shreds it with the rest of its data.
 */
public final class BudgetStore {

    private static final String WEBHOOK_SECRET_PURPOSE = "budget-alert-webhook-secret";

    private final JdbcClient jdbc;
    private final JdbcTemplate template;
    private final TransactionTemplate transactions;
    private final TenantCipher cipher;

    private BudgetStore(DataSource dataSource, TenantCipher cipher) {
        this.jdbc = JdbcClient.create(dataSource);
        this.template = new JdbcTemplate(dataSource);
        this.transactions = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        this.cipher = cipher;
    }

    public static BudgetStore migrate(DataSource dataSource, TenantCipher cipher) {
        Flyway.configure().dataSource(dataSource).schemas("budgets").locations("classpath:db/budgets").load().migrate();
        BudgetStore store = new BudgetStore(dataSource, cipher);
        store.sealPlainWebhookSecrets();
        return store;
    }

    /** Secrets stored before they were sealed: sealed now, and the plain copy cleared. */
    private void sealPlainWebhookSecrets() {
        jdbc.sql("SELECT tenant_id, webhook_secret FROM budgets.tenant_settings WHERE webhook_secret IS NOT NULL")
                .query((row, index) -> {
                    UUID tenantId = row.getObject("tenant_id", UUID.class);
                    return jdbc.sql("UPDATE budgets.tenant_settings SET webhook_secret_sealed = ?, webhook_secret = NULL WHERE tenant_id = ?")
                            .params(sealed(tenantId, row.getString("webhook_secret")), tenantId).update();
                }).list();
    }

    /** The settings, their webhooks' secrets left sealed: only a delivery opens one ({@link #claimDue}). */
    public List<TenantBudgetSettings> tenantSettings() {
        return jdbc.sql("SELECT * FROM budgets.tenant_settings").query((row, index) -> new TenantBudgetSettings(
                row.getObject("tenant_id", UUID.class), row.getBigDecimal("limit_usd"), period(row),
                Arrays.stream((Integer[]) row.getArray("alert_thresholds").getArray()).toList(),
                row.getString("webhook_url") == null ? null : AlertWebhook.withSealedSecret(URI.create(row.getString("webhook_url"))),
                row.getBoolean("admit_when_limits_unreachable"))).list();
    }

    private byte[] sealed(UUID tenantId, String secret) {
        return cipher.encrypt(TenantId.of(tenantId.toString()), secret.getBytes(StandardCharsets.UTF_8), webhookSecretContext(tenantId));
    }

    private static EncryptionContext webhookSecretContext(UUID tenantId) {
        return EncryptionContext.of("budgets/tenant-settings/" + tenantId, WEBHOOK_SECRET_PURPOSE);
    }

    public void save(TenantBudgetSettings settings) {
        template.execute((ConnectionCallback<Integer>) connection -> {
            try (var upsert = connection.prepareStatement("""
                    INSERT INTO budgets.tenant_settings (tenant_id, limit_usd, period_start, period_days, alert_thresholds, webhook_url,
                                                         webhook_secret_sealed, admit_when_limits_unreachable, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, now())
                    ON CONFLICT (tenant_id) DO UPDATE SET limit_usd = EXCLUDED.limit_usd, period_start = EXCLUDED.period_start,
                        period_days = EXCLUDED.period_days, alert_thresholds = EXCLUDED.alert_thresholds, webhook_url = EXCLUDED.webhook_url,
                        webhook_secret_sealed = EXCLUDED.webhook_secret_sealed, webhook_secret = NULL, admit_when_limits_unreachable = EXCLUDED.admit_when_limits_unreachable,
                        updated_at = now()""")) {
                Array thresholds = connection.createArrayOf("int4", settings.alertThresholds().toArray());
                upsert.setObject(1, settings.tenantId());
                upsert.setBigDecimal(2, settings.limitUsd());
                upsert.setDate(3, settings.period().monthly() ? null : Date.valueOf(settings.period().start()));
                upsert.setObject(4, settings.period().monthly() ? null : settings.period().days(), java.sql.Types.INTEGER);
                upsert.setArray(5, thresholds);
                upsert.setString(6, settings.webhook() == null ? null : settings.webhook().url().toString());
                upsert.setBytes(7, settings.webhook() == null ? null : sealed(settings.tenantId(), settings.webhook().secret()));
                upsert.setBoolean(8, settings.admitWhenLimitsUnreachable());
                return upsert.executeUpdate();
            }
        });
    }

    public void deleteTenantSettings(UUID tenantId) {
        jdbc.sql("DELETE FROM budgets.tenant_settings WHERE tenant_id = ?").param(tenantId).update();
    }

    /** Everything of an erased tenant: its settings and webhook, its keys' budgets, its alerts and their deliveries. */
    public void eraseTenant(UUID tenantId) {
        transactions.executeWithoutResult(status -> {
            for (String table : List.of("webhook_outbox", "alerts", "key_budgets", "tenant_settings")) {
                jdbc.sql("DELETE FROM budgets." + table + " WHERE tenant_id = ?").param(tenantId).update();
            }
        });
    }

    public List<KeyBudget> keyBudgets() {
        return jdbc.sql("SELECT * FROM budgets.key_budgets").query((row, index) -> new KeyBudget(row.getObject("tenant_id", UUID.class),
                row.getString("key_id"), new Budget(row.getBigDecimal("limit_usd"), period(row)))).list();
    }

    public void save(KeyBudget key) {
        BudgetPeriod period = key.budget().period();
        jdbc.sql("""
                        INSERT INTO budgets.key_budgets (key_id, tenant_id, limit_usd, period_start, period_days, updated_at)
                        VALUES (?, ?, ?, ?, ?, now())
                        ON CONFLICT (key_id) DO UPDATE SET limit_usd = EXCLUDED.limit_usd, period_start = EXCLUDED.period_start,
                            period_days = EXCLUDED.period_days, updated_at = now()""")
                .params(key.keyId(), key.tenantId(), key.budget().limitUsd(), period.monthly() ? null : Date.valueOf(period.start()),
                        period.monthly() ? null : period.days())
                .update();
    }

    public void deleteKeyBudget(String keyId) {
        jdbc.sql("DELETE FROM budgets.key_budgets WHERE key_id = ?").param(keyId).update();
    }

    /** What the account's budget has spent in its period, from the daily usage totals (a key's: its own calls). */
    public BigDecimal spentIn(SpendAccount account) {
        LocalDate from = BudgetPeriod.Window.dayOf(account.periodStart());
        LocalDate until = BudgetPeriod.Window.dayOf(account.periodEnd());
        return jdbc.sql("""
                        SELECT coalesce(sum(cost), 0) FROM metering.usage_daily
                        WHERE tenant_id = ? AND day >= ? AND day < ? AND (CAST(? AS text) IS NULL OR key_id = ?)""")
                .params(account.tenantId(), Date.valueOf(from), Date.valueOf(until), account.keyId(), account.keyId())
                .query(BigDecimal.class).single();
    }

    /**
     * Records that the account's spend crossed {@code threshold} % in its period, and queues the
     * alert for the tenant's webhook if it has one, in one statement; false when that crossing was
     * recorded already (by this replica or another), which then announces nothing.
     */
    public boolean recordCrossing(SpendAccount account, int threshold, BigDecimal spentUsd, String eventId, String payload, Instant now) {
        return jdbc.sql("""
                        WITH crossed AS (
                            INSERT INTO budgets.alerts (tenant_id, key_id, period_start, threshold, event_id, spent_usd, limit_usd, crossed_at)
                            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                            ON CONFLICT DO NOTHING
                            RETURNING tenant_id, event_id
                        ), queued AS (
                            INSERT INTO budgets.webhook_outbox (tenant_id, event_id, payload, next_attempt_at)
                            SELECT crossed.tenant_id, crossed.event_id, ?, ? FROM crossed
                            JOIN budgets.tenant_settings settings ON settings.tenant_id = crossed.tenant_id AND settings.webhook_url IS NOT NULL
                            RETURNING 1
                        )
                        SELECT count(*) FROM crossed""")
                .params(account.tenantId(), account.keyId() == null ? "" : account.keyId(), Timestamp.from(account.periodStart()), threshold,
                        eventId, spentUsd, SpendAmounts.usd(account.limitNanos()), Timestamp.from(now), payload, Timestamp.from(now))
                .query(Long.class).single() > 0;
    }

    /** The thresholds the account's budget has crossed in its period, ascending. */
    public List<Integer> crossedThresholds(SpendAccount account) {
        return jdbc.sql("SELECT threshold FROM budgets.alerts WHERE tenant_id = ? AND key_id = ? AND period_start = ? ORDER BY threshold")
                .params(account.tenantId(), account.keyId() == null ? "" : account.keyId(), Timestamp.from(account.periodStart()))
                .query(Integer.class).list();
    }

    /**
     * A queued webhook delivery, with where it goes now and its secret opened; {@code webhook} null
     * when it cannot be sent now, and {@code unsendable} says why (no webhook any more, or its secret
     * cannot be opened: the key service is unreachable, the tenant's key is gone).
     */
    public record Delivery(long id, UUID tenantId, String eventId, String payload, int attempts, AlertWebhook webhook, String unsendable) {
    }

    /**
     * Takes up to {@code limit} deliveries that are due, and defers each by {@code lease} so that no
     * other replica takes it meanwhile; a replica that dies holding one lets it fall due again.
     */
    public List<Delivery> claimDue(int limit, Duration lease, Instant now) {
        return jdbc.sql("""
                        WITH claimed AS (
                            UPDATE budgets.webhook_outbox outbox SET attempts = outbox.attempts + 1, next_attempt_at = ?
                            FROM (SELECT id FROM budgets.webhook_outbox WHERE delivered_at IS NULL AND next_attempt_at <= ?
                                  ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED) due
                            WHERE outbox.id = due.id
                            RETURNING outbox.id, outbox.tenant_id, outbox.event_id, outbox.payload, outbox.attempts
                        )
                        SELECT claimed.*, settings.webhook_url, settings.webhook_secret_sealed FROM claimed
                        LEFT JOIN budgets.tenant_settings settings ON settings.tenant_id = claimed.tenant_id
                        ORDER BY claimed.id""")
                .params(Timestamp.from(now.plus(lease)), Timestamp.from(now), limit)
                .query(this::delivery).list();
    }

    private Delivery delivery(ResultSet row, int index) throws SQLException {
        UUID tenantId = row.getObject("tenant_id", UUID.class);
        String url = row.getString("webhook_url");
        AlertWebhook webhook = null;
        String unsendable = null;
        if (url == null) {
            unsendable = "the tenant has no webhook now";
        } else {
            try {
                byte[] secret = cipher.decrypt(TenantId.of(tenantId.toString()), row.getBytes("webhook_secret_sealed"), webhookSecretContext(tenantId));
                webhook = new AlertWebhook(URI.create(url), new String(secret, StandardCharsets.UTF_8));
            } catch (CryptoException e) {
                unsendable = "the webhook's secret cannot be opened now (" + e.code() + ")";
            }
        }
        return new Delivery(row.getLong("id"), tenantId, row.getString("event_id"), row.getString("payload"), row.getInt("attempts"),
                webhook, unsendable);
    }

    public void delivered(long id, Instant now) {
        jdbc.sql("UPDATE budgets.webhook_outbox SET delivered_at = ?, last_error = NULL WHERE id = ?").params(Timestamp.from(now), id).update();
    }

    public void retryLater(long id, Instant at, String error) {
        jdbc.sql("UPDATE budgets.webhook_outbox SET next_attempt_at = ?, last_error = ? WHERE id = ?").params(Timestamp.from(at), error, id).update();
    }

    /** Deliveries of the tenant's alerts not yet taken by its receiver. */
    public long undelivered(UUID tenantId) {
        return jdbc.sql("SELECT count(*) FROM budgets.webhook_outbox WHERE tenant_id = ? AND delivered_at IS NULL")
                .param(tenantId).query(Long.class).single();
    }

    private static BudgetPeriod period(ResultSet row) throws SQLException {
        Date start = row.getDate("period_start");
        return start == null ? BudgetPeriod.MONTHLY : BudgetPeriod.custom(start.toLocalDate(), row.getInt("period_days"));
    }
}
