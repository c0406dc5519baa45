package dev.gatehouse.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.flywaydb.core.Flyway;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

/**
 * An append-only, hash-chained log of audit events in the {@code audit} schema. Appends from
 * several gateway instances serialise on one advisory lock, so the chain stays a single line.
 */
public final class AuditLog {

    /** Arbitrary, fixed: the advisory lock that serialises appends across processes. */
    private static final long APPEND_LOCK = 0x6761746568617564L;
    private static final ObjectMapper CANONICAL_JSON = new ObjectMapper()
            .findAndRegisterModules()
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true)
            .configure(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS, false);

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;

    private AuditLog(DataSource dataSource) {
        this.jdbc = JdbcClient.create(dataSource);
        this.transactions = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
    }

    public static AuditLog migrate(DataSource dataSource) {
        Flyway.configure()
                .dataSource(dataSource)
                .schemas("audit")
                .locations("classpath:db/audit")
                .load()
                .migrate();
        return new AuditLog(dataSource);
    }

    /** Appends the events in order, in one transaction; returns the sequence number of the last one. */
    public long append(List<AuditEvent> events) {
        if (events.isEmpty()) {
            throw new IllegalArgumentException("nothing to append");
        }
        return transactions.execute(status -> {
            jdbc.sql("SELECT pg_advisory_xact_lock(:lock)").param("lock", APPEND_LOCK).query().singleRow();
            List<Map<String, Object>> head = jdbc.sql("SELECT seq, hash FROM audit.records ORDER BY seq DESC LIMIT 1")
                    .query().listOfRows();
            long seq = head.isEmpty() ? 0L : ((Number) head.get(0).get("seq")).longValue();
            byte[] previous = head.isEmpty() ? AuditHashes.GENESIS : (byte[]) head.get(0).get("hash");
            for (AuditEvent event : events) {
                seq++;
                String json = canonicalJson(event);
                byte[] hash = AuditHashes.chain(previous, seq, json);
                jdbc.sql("""
                        INSERT INTO audit.records (seq, tenant_id, request_id, recorded_at, event, prev_hash, hash)
                        VALUES (:seq, :tenantId, :requestId, :recordedAt, :event, :prev, :hash)
                        """)
                        .param("seq", seq)
                        .param("tenantId", event.tenantId())
                        .param("requestId", event.requestId())
                        .param("recordedAt", Timestamp.from(event.occurredAt()))
                        .param("event", json)
                        .param("prev", previous)
                        .param("hash", hash)
                        .update();
                previous = hash;
            }
            return seq;
        });
    }

    public List<AuditRecord> recordsOfRequest(String requestId) {
        return jdbc.sql("""
                SELECT seq, tenant_id, request_id, recorded_at, event, prev_hash, hash
                FROM audit.records WHERE request_id = :requestId ORDER BY seq
                """)
                .param("requestId", requestId)
                .query((row, index) -> new AuditRecord(
                        row.getLong("seq"),
                        row.getObject("tenant_id", UUID.class),
                        row.getString("request_id"),
                        row.getTimestamp("recorded_at").toInstant(),
                        row.getString("event"),
                        row.getBytes("prev_hash"),
                        row.getBytes("hash")))
                .list();
    }

    /**
     * Recomputes the whole chain; returns the sequence numbers of the records whose stored hash or
     * link does not match, empty when the log is intact.
     */
    public List<Long> findBrokenLinks() {
        List<Long> broken = new ArrayList<>();
        byte[][] expectedPrevious = {AuditHashes.GENESIS};
        long[] expectedSeq = {1};
        jdbc.sql("SELECT seq, event, prev_hash, hash FROM audit.records ORDER BY seq")
                .query(row -> {
                    long seq = row.getLong("seq");
                    byte[] storedPrevious = row.getBytes("prev_hash");
                    byte[] storedHash = row.getBytes("hash");
                    byte[] recomputed = AuditHashes.chain(expectedPrevious[0], seq, row.getString("event"));
                    if (seq != expectedSeq[0] || !Arrays.equals(storedPrevious, expectedPrevious[0])
                            || !Arrays.equals(storedHash, recomputed)) {
                        broken.add(seq);
                    }
                    expectedPrevious[0] = storedHash;
                    expectedSeq[0] = seq + 1;
                });
        return broken;
    }

    static String canonicalJson(AuditEvent event) {
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("action", event.action());
        document.put("facts", event.facts());
        document.put("occurred_at", event.occurredAt().toString());
        document.put("request_id", event.requestId());
        document.put("tenant_id", event.tenantId() == null ? null : event.tenantId().toString());
        try {
            return CANONICAL_JSON.writeValueAsString(document);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("audit facts must be plain values", e);
        }
    }
}
