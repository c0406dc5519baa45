package dev.gatehouse.audit;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.UnaryOperator;

import javax.sql.DataSource;

/**
 * Logged content of tenants who asked for it, in the {@code audit} schema (migrated by
 * {@link AuditLog#migrate}). It accepts ciphertext only: encryption with the tenant's key happens
 * before anything reaches this class, so plaintext never reaches the database.
 */
public final class ContentLog {

    private static final RowMapper<EncryptedContent> ROW = (row, index) -> new EncryptedContent(
            row.getString("call_id"),
            row.getString("request_id"),
            row.getObject("tenant_id", UUID.class),
            row.getTimestamp("recorded_at").toInstant(),
            row.getTimestamp("expires_at").toInstant(),
            row.getBytes("prompt"),
            row.getBytes("completion"));

    private static final String SELECT =
            "SELECT call_id, request_id, tenant_id, recorded_at, expires_at, prompt, completion FROM audit.content_records";

    private final JdbcClient jdbc;
    private final JdbcTemplate batches;

    public ContentLog(DataSource migratedAuditSchema) {
        this.jdbc = JdbcClient.create(migratedAuditSchema);
        this.batches = new JdbcTemplate(migratedAuditSchema);
    }

    /** Stores the records in one batch; a record already stored (same call id) is left as it is. */
    public void store(List<EncryptedContent> records) {
        batches.batchUpdate("""
                INSERT INTO audit.content_records (call_id, request_id, tenant_id, recorded_at, expires_at, prompt, completion)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (call_id) DO NOTHING
                """, records.stream().map(record -> new Object[] {record.callId(), record.requestId(), record.tenantId(),
                Timestamp.from(record.recordedAt()), Timestamp.from(record.expiresAt()), record.promptCiphertext(),
                record.completionCiphertext()}).toList());
    }

    /** The content of one of the tenant's calls; another tenant's call is not found. */
    public Optional<EncryptedContent> find(UUID tenantId, String callId) {
        return jdbc.sql(SELECT + " WHERE tenant_id = :tenantId AND call_id = :callId")
                .param("tenantId", tenantId)
                .param("callId", callId)
                .query(ROW)
                .optional();
    }

    /** The tenant's calls that carried this caller's request id (which a caller may reuse), oldest first. */
    public List<EncryptedContent> findByRequestId(UUID tenantId, String requestId) {
        return jdbc.sql(SELECT + " WHERE tenant_id = :tenantId AND request_id = :requestId ORDER BY recorded_at, call_id")
                .param("tenantId", tenantId)
                .param("requestId", requestId)
                .query(ROW)
                .list();
    }

    /**
     * Replaces the ciphertexts of each of the tenant's records by {@code rewrap} of them, a page at a
     * time; for moving data keys to a new key version without decrypting. Each record is rewritten on
     * its own, prompt and completion together, so a rewrite stopped half-way leaves every record
     * whole. A record that {@code rewrap} leaves unchanged is not written, and one that changed since
     * it was read (a concurrent rewrite) is left as the other writer made it. Returns how many records
     * it rewrote.
     */
    public int rewriteCiphertexts(UUID tenantId, UnaryOperator<byte[]> rewrap) {
        int rewritten = 0;
        String after = "";
        while (true) {
            List<EncryptedContent> page = jdbc.sql("""
                    SELECT call_id, request_id, tenant_id, recorded_at, expires_at, prompt, completion
                    FROM audit.content_records WHERE tenant_id = :tenantId AND call_id > :after
                    ORDER BY call_id LIMIT 500
                    """)
                    .param("tenantId", tenantId)
                    .param("after", after)
                    .query(ROW)
                    .list();
            if (page.isEmpty()) {
                return rewritten;
            }
            for (EncryptedContent record : page) {
                byte[] prompt = rewrap.apply(record.promptCiphertext());
                byte[] completion = rewrap.apply(record.completionCiphertext());
                if (Arrays.equals(prompt, record.promptCiphertext()) && Arrays.equals(completion, record.completionCiphertext())) {
                    continue;
                }
                rewritten += jdbc.sql("""
                        UPDATE audit.content_records SET prompt = :prompt, completion = :completion
                        WHERE call_id = :callId AND prompt = :readPrompt AND completion = :readCompletion
                        """)
                        .param("prompt", prompt)
                        .param("completion", completion)
                        .param("callId", record.callId())
                        .param("readPrompt", record.promptCiphertext())
                        .param("readCompletion", record.completionCiphertext())
                        .update();
            }
            after = page.get(page.size() - 1).callId();
        }
    }

    /** Deletes content past its retention, except that of tenants under legal hold; returns how many records went. */
    public int purgeExpired(Instant now) {
        return jdbc.sql("""
                DELETE FROM audit.content_records c WHERE expires_at <= :now
                AND NOT EXISTS (SELECT 1 FROM audit.logs l WHERE l.log_id = c.tenant_id AND l.legal_hold)
                """)
                .param("now", Timestamp.from(now))
                .update();
    }
}
