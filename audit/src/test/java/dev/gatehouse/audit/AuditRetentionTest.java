package dev.gatehouse.audit;

import dev.gatehouse.testing.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.datasource.DelegatingDataSource;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import static dev.gatehouse.audit.AuditTestLogs.NOON;
import static dev.gatehouse.audit.AuditTestLogs.call;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class AuditRetentionTest {

    private static final Instant MONTH_LATER = NOON.plus(Duration.ofDays(31));

    @TempDir
    Path keys;

    private final DataSource dataSource = TestPostgres.freshDatabase();
    private final AuditLog log = AuditLog.migrate(dataSource);
    private final ContentLog content = new ContentLog(dataSource);
    private final AuditRetention retention = new AuditRetention(dataSource, Clock.fixed(MONTH_LATER, ZoneOffset.UTC));

    @Test
    void pastItsRetentionARecordLosesItsBodyAndTheLogStillVerifies() {
        UUID tenant = UUID.randomUUID();
        log.append(List.of(call(tenant, "old-call", Map.of("status", 200))));
        AuditCheckpoints checkpoints = AuditTestLogs.checkpoints(log, AuditTestLogs.keyRing(keys));
        checkpoints.sign(tenant);
        retention.update(tenant, new AuditRetention.Settings(30, false));

        assertThat(retention.purge().auditRecordBodies()).isEqualTo(1);

        assertThat(log.recordsOfCall("old-call")).singleElement().satisfies(record -> assertThat(record.eventJson()).isNull());
        assertThat(checkpoints.findTampering(tenant)).isEmpty();
    }

    @Test
    void aLegalHoldKeepsContentAndRecordsPastTheirRetention() {
        UUID held = UUID.randomUUID();
        UUID free = UUID.randomUUID();
        log.append(List.of(call(held, "held-call", Map.of()), call(free, "free-call", Map.of())));
        content.store(List.of(expiredContent("held-call", held), expiredContent("free-call", free)));
        retention.update(held, new AuditRetention.Settings(30, true));
        retention.update(free, new AuditRetention.Settings(30, false));

        assertThat(retention.purge()).isEqualTo(new AuditRetention.Purged(1, 1));

        assertThat(content.find(held, "held-call")).isPresent();
        assertThat(content.find(free, "free-call")).isEmpty();
        assertThat(log.recordsOfCall("held-call").get(0).eventJson()).isNotNull();
        assertThat(retention.settings(held)).isEqualTo(new AuditRetention.Settings(30, true));
    }

    @Test
    void aScheduledPurgeThatFailsOnceRunsAgainNextTime() {
        UUID tenant = UUID.randomUUID();
        content.store(List.of(expiredContent("expired", tenant)));
        AtomicInteger refusals = new AtomicInteger(1);
        DataSource failingOnce = new DelegatingDataSource(dataSource) {
            @Override
            public Connection getConnection() throws SQLException {
                if (refusals.getAndDecrement() > 0) {
                    throw new SQLException("database restarting");
                }
                return super.getConnection();
            }
        };
        AuditRetention scheduled = new AuditRetention(failingOnce, Clock.fixed(MONTH_LATER, ZoneOffset.UTC));
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        try {
            scheduler.scheduleWithFixedDelay(scheduled::purgeOnSchedule, 0, 50, TimeUnit.MILLISECONDS);

            await().atMost(Duration.ofSeconds(10)).until(() -> content.find(tenant, "expired").isEmpty());
            assertThat(scheduled.failedRuns()).isEqualTo(1);
        } finally {
            scheduler.shutdownNow();
        }
    }

    private static EncryptedContent expiredContent(String callId, UUID tenant) {
        return new EncryptedContent(callId, "request-of-" + callId, tenant, NOON, NOON.plus(Duration.ofDays(7)), new byte[] {1}, new byte[] {2});
    }
}
