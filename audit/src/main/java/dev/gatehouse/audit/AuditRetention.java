package dev.gatehouse.audit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

/**
 * What is kept and for how long. Logged content goes when its retention ends. Audit records are
 * never removed from their log, since that would break every proof after them: once a tenant's audit
 * retention ({@code retention_days} of its log) has passed, a record's JSON is removed and its leaf
 * hash stays, so the log still verifies and says that a record was there. A legal hold on a tenant
 * suspends both. {@link #purgeOnSchedule()} is what a scheduler runs: a failed run is logged and
 * counted and the next run tries again, where an exception would have cancelled the schedule.
 */
public final class AuditRetention {

    private static final Logger LOG = LoggerFactory.getLogger(AuditRetention.class);

    private final JdbcClient jdbc;
    private final ContentLog content;
    private final Clock clock;
    private final AtomicLong failedRuns = new AtomicLong();

    public AuditRetention(DataSource migratedAuditSchema, Clock clock) {
        this.jdbc = JdbcClient.create(migratedAuditSchema);
        this.content = new ContentLog(migratedAuditSchema);
        this.clock = clock;
    }

    /** A tenant's audit retention and legal hold. */
    public record Settings(Integer retentionDays, boolean legalHold) {
        public Settings {
            if (retentionDays != null && (retentionDays < 1 || retentionDays > 36_500)) {
                throw new IllegalArgumentException("retention_days must be between 1 and 36500");
            }
        }
    }

    /** How many content records and audit record bodies one run removed. */
    public record Purged(int contentRecords, int auditRecordBodies) {
    }

    public Settings settings(UUID logId) {
        return jdbc.sql("SELECT retention_days, legal_hold FROM audit.logs WHERE log_id = :log").param("log", logId)
                .query((row, index) -> new Settings((Integer) row.getObject("retention_days"), row.getBoolean("legal_hold")))
                .optional().orElse(new Settings(null, false));
    }

    public void update(UUID logId, Settings settings) {
        jdbc.sql("""
                INSERT INTO audit.logs (log_id, size, compact_range, root, retention_days, legal_hold)
                VALUES (:log, 0, '', sha256(''::bytea), :days, :hold)
                ON CONFLICT (log_id) DO UPDATE SET retention_days = EXCLUDED.retention_days, legal_hold = EXCLUDED.legal_hold
                """)
                .param("log", logId).param("days", settings.retentionDays()).param("hold", settings.legalHold()).update();
    }

    public Purged purge() {
        Instant now = clock.instant();
        int contentRecords = content.purgeExpired(now);
        int bodies = jdbc.sql("""
                UPDATE audit.entries e SET leaf = NULL FROM audit.logs l
                WHERE e.log_id = l.log_id AND l.retention_days IS NOT NULL AND NOT l.legal_hold AND e.leaf IS NOT NULL
                AND e.recorded_at < CAST(:now AS TIMESTAMPTZ) - make_interval(days => l.retention_days)
                """)
                .param("now", Timestamp.from(now)).update();
        return new Purged(contentRecords, bodies);
    }

    /** {@link #purge()} that never throws: for a scheduled executor, which stops a task for good at its first exception. */
    public void purgeOnSchedule() {
        try {
            Purged purged = purge();
            if (purged.contentRecords() > 0 || purged.auditRecordBodies() > 0) {
                LOG.info("retention: {} content records and {} audit record bodies removed", purged.contentRecords(), purged.auditRecordBodies());
            }
        } catch (RuntimeException e) {
            LOG.error("retention run failed ({} failed so far); the next run tries again", failedRuns.incrementAndGet(), e);
        }
    }

    public long failedRuns() {
        return failedRuns.get();
    }
}
