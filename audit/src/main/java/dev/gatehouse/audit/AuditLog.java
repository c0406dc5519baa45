package dev.gatehouse.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.gatehouse.audit.tree.CompactRange;
import dev.gatehouse.audit.tree.MerkleHashes;
import dev.gatehouse.audit.tree.MerkleProofs;
import dev.gatehouse.audit.tree.SubtreeHashes;
import org.flywaydb.core.Flyway;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

import javax.sql.DataSource;

/**
 * Append-only Merkle logs (RFC 9162) of audit events in the {@code audit} schema: one per tenant, one
 * for the platform. Sequencing: an append locks its log's head row ({@code SELECT ... FOR UPDATE}),
 * so appends to one log, from any number of processes, take turns and get consecutive indexes, while
 * appends to different tenants' logs never wait for each other. Appending a record already in the
 * log (same record id) does nothing, so a journal replayed after a crash cannot duplicate records.
 */
public final class AuditLog {

    /** The log of events that belong to no tenant: refused authentications, platform changes. */
    public static final UUID PLATFORM_LOG = new UUID(0, 0);
    /** The log whose leaves are the other logs' signed checkpoints. */
    public static final UUID GLOBAL_LOG = new UUID(-1, -1);

    private static final ObjectMapper CANONICAL_JSON = new ObjectMapper()
            .findAndRegisterModules()
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true)
            .configure(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS, false);
    private static final String ENTRY_COLUMNS = "log_id, idx, record_id, request_id, action, recorded_at, leaf, leaf_hash";
    private static final RowMapper<AuditRecord> ENTRY = (row, index) -> new AuditRecord(
            row.getObject("log_id", UUID.class),
            row.getLong("idx"),
            row.getString("record_id"),
            row.getString("request_id"),
            row.getString("action"),
            row.getTimestamp("recorded_at").toInstant(),
            row.getString("leaf"),
            row.getBytes("leaf_hash"));

    private final JdbcClient jdbc;
    private final JdbcTemplate batches;
    private final TransactionTemplate transactions;

    private AuditLog(DataSource dataSource) {
        this.jdbc = JdbcClient.create(dataSource);
        this.batches = new JdbcTemplate(dataSource);
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

    /** A log's current size and root. */
    public record TreeHead(UUID logId, long size, byte[] root) {
    }

    /**
     * Appends the events, each to its log in the order given: one transaction per log, so one log's
     * failure leaves the others appended. Returns how many were new.
     */
    public int append(List<AuditEvent> events) {
        Map<UUID, List<AuditEvent>> byLog = new LinkedHashMap<>();
        for (AuditEvent event : events) {
            byLog.computeIfAbsent(event.logId(), log -> new ArrayList<>()).add(event);
        }
        int appended = 0;
        for (Map.Entry<UUID, List<AuditEvent>> log : byLog.entrySet()) {
            appended += appendToLog(log.getKey(), log.getValue(), AuditLog::canonicalJson);
        }
        return appended;
    }

    /** Appends leaves whose JSON is given as is, to one log (the global log's checkpoints). */
    int appendLeaves(UUID logId, List<AuditEvent> events, java.util.function.Function<AuditEvent, String> leafOf) {
        return appendToLog(logId, events, leafOf);
    }

    private int appendToLog(UUID logId, List<AuditEvent> events, java.util.function.Function<AuditEvent, String> leafOf) {
        Integer appended = transactions.execute(status -> {
            jdbc.sql("INSERT INTO audit.logs (log_id, size, compact_range, root) VALUES (:log, 0, '', :root) ON CONFLICT DO NOTHING")
                    .param("log", logId).param("root", MerkleHashes.emptyRoot()).update();
            Map<String, Object> head = jdbc.sql("SELECT size, compact_range FROM audit.logs WHERE log_id = :log FOR UPDATE")
                    .param("log", logId).query().singleRow();
            CompactRange range = CompactRange.decode(((Number) head.get("size")).longValue(), (byte[]) head.get("compact_range"));
            Set<String> present = alreadyPresent(logId, events);
            List<Object[]> entries = new ArrayList<>();
            List<Object[]> nodes = new ArrayList<>();
            for (AuditEvent event : events) {
                if (!present.add(event.recordId())) {
                    continue;
                }
                String leaf = leafOf.apply(event);
                byte[] leafHash = MerkleHashes.leaf(leaf.getBytes(StandardCharsets.UTF_8));
                entries.add(new Object[] {logId, range.size(), event.recordId(), event.requestId(), event.action(),
                        event.occurredAt(), leaf, leafHash});
                for (CompactRange.CompletedNode node : range.append(leafHash)) {
                    if (node.level() > 0) {
                        nodes.add(new Object[] {logId, node.level(), node.index(), node.hash()});
                    }
                }
            }
            if (entries.isEmpty()) {
                return 0;
            }
            copyIn("audit.entries (" + ENTRY_COLUMNS + ")", entries);
            if (!nodes.isEmpty()) {
                copyIn("audit.nodes (log_id, level, idx, hash)", nodes);
            }
            jdbc.sql("UPDATE audit.logs SET size = :size, compact_range = :range, root = :root WHERE log_id = :log")
                    .param("size", range.size()).param("range", range.encode()).param("root", range.root()).param("log", logId)
                    .update();
            return entries.size();
        });
        return appended == null ? 0 : appended;
    }

    /**
     * Writes the rows with one {@code COPY}, in the append's transaction: a busy journal appends
     * thousands of records at once, and PostgreSQL takes COPY's rows for a fraction of an INSERT's cost.
     * The rows go as UTF-8 bytes in one write: the driver's copy from a reader would allocate a
     * 64-Ki-character buffer for every append, however few its rows.
     */
    private void copyIn(String tableAndColumns, List<Object[]> rows) {
        StringBuilder csv = new StringBuilder(rows.size() * 128);
        for (Object[] row : rows) {
            for (int column = 0; column < row.length; column++) {
                if (column > 0) {
                    csv.append(',');
                }
                appendCsv(csv, row[column]);
            }
            csv.append('\n');
        }
        byte[] bytes = csv.toString().getBytes(StandardCharsets.UTF_8);
        batches.execute((ConnectionCallback<Long>) connection -> {
            CopyIn copy = connection.unwrap(PGConnection.class).getCopyAPI()
                    .copyIn("COPY " + tableAndColumns + " FROM STDIN (FORMAT csv)");
            try {
                copy.writeToCopy(bytes, 0, bytes.length);
                return copy.endCopy();
            } finally {
                if (copy.isActive()) {
                    copy.cancelCopy();
                }
            }
        });
    }

    /** CSV as COPY reads it: a null is an empty unquoted field, text is always quoted, bytes are bytea hex. */
    private static void appendCsv(StringBuilder csv, Object value) {
        if (value == null) {
            return;
        }
        if (value instanceof byte[] bytes) {
            csv.append("\\x").append(HexFormat.of().formatHex(bytes));
        } else if (value instanceof String text) {
            csv.append('"').append(text.replace("\"", "\"\"")).append('"');
        } else {
            csv.append(value);
        }
    }

    private Set<String> alreadyPresent(UUID logId, List<AuditEvent> events) {
        String[] ids = events.stream().map(AuditEvent::recordId).toArray(String[]::new);
        return new HashSet<>(batches.queryForList("SELECT record_id FROM audit.entries WHERE log_id = ? AND record_id = ANY (?)",
                String.class, logId, ids));
    }

    public Optional<TreeHead> head(UUID logId) {
        return jdbc.sql("SELECT size, root FROM audit.logs WHERE log_id = :log").param("log", logId)
                .query((row, index) -> new TreeHead(logId, row.getLong("size"), row.getBytes("root"))).optional();
    }

    public List<TreeHead> heads() {
        return jdbc.sql("SELECT log_id, size, root FROM audit.logs ORDER BY log_id")
                .query((row, index) -> new TreeHead(row.getObject("log_id", UUID.class), row.getLong("size"), row.getBytes("root"))).list();
    }

    public List<AuditRecord> recordsOfRequest(String requestId) {
        return jdbc.sql("SELECT " + ENTRY_COLUMNS + " FROM audit.entries WHERE request_id = :id ORDER BY log_id, idx")
                .param("id", requestId).query(ENTRY).list();
    }

    public List<AuditRecord> recordsOfCall(String callId) {
        return jdbc.sql("SELECT " + ENTRY_COLUMNS + " FROM audit.entries WHERE record_id = :id ORDER BY log_id, idx")
                .param("id", callId).query(ENTRY).list();
    }

    public Optional<AuditRecord> record(UUID logId, long index) {
        return jdbc.sql("SELECT " + ENTRY_COLUMNS + " FROM audit.entries WHERE log_id = :log AND idx = :idx")
                .param("log", logId).param("idx", index).query(ENTRY).optional();
    }

    /**
     * One page of a log's records in [from, to), optionally of one action, after the index {@code after}
     * (exclusive; -1 for the first page), in log order.
     */
    public List<AuditRecord> search(UUID logId, Instant from, Instant to, String action, long after, int limit) {
        return jdbc.sql("SELECT " + ENTRY_COLUMNS + " FROM audit.entries WHERE log_id = :log AND idx > :after"
                        + " AND recorded_at >= :from AND recorded_at < :to AND (CAST(:action AS TEXT) IS NULL OR action = :action)"
                        + " ORDER BY idx LIMIT :limit")
                .param("log", logId).param("after", after).param("from", Timestamp.from(from)).param("to", Timestamp.from(to))
                .param("action", action).param("limit", limit)
                .query(ENTRY).list();
    }

    /** The index range [first, end) of a log's records stamped in [from, to); records are stamped in log order only roughly, so the range is by index. */
    public long[] indexRange(UUID logId, Instant from, Instant to, long size) {
        Map<String, Object> range = jdbc.sql("SELECT MIN(idx) AS first, MAX(idx) AS last FROM audit.entries"
                        + " WHERE log_id = :log AND recorded_at >= :from AND recorded_at < :to AND idx < :size")
                .param("log", logId).param("from", Timestamp.from(from)).param("to", Timestamp.from(to)).param("size", size)
                .query().singleRow();
        if (range.get("first") == null) {
            return new long[] {0, 0};
        }
        return new long[] {((Number) range.get("first")).longValue(), ((Number) range.get("last")).longValue() + 1};
    }

    /** Streams the records with indexes in [first, end), in order, a page at a time. */
    public void forEachRecord(UUID logId, long first, long end, Consumer<AuditRecord> consumer) {
        long next = first;
        while (next < end) {
            List<AuditRecord> page = jdbc.sql("SELECT " + ENTRY_COLUMNS + " FROM audit.entries WHERE log_id = :log"
                            + " AND idx >= :next AND idx < :end ORDER BY idx LIMIT 5000")
                    .param("log", logId).param("next", next).param("end", end).query(ENTRY).list();
            if (page.isEmpty()) {
                return;
            }
            page.forEach(consumer);
            next = page.get(page.size() - 1).index() + 1;
        }
    }

    /** The stored perfect subtrees of a log: leaf hashes at level 0, the nodes table above. */
    public SubtreeHashes subtrees(UUID logId) {
        return (level, index) -> {
            String sql = level == 0
                    ? "SELECT leaf_hash FROM audit.entries WHERE log_id = ? AND idx = ?"
                    : "SELECT hash FROM audit.nodes WHERE log_id = ? AND level = " + level + " AND idx = ?";
            List<byte[]> found = batches.query(sql, (row, i) -> row.getBytes(1), logId, index);
            if (found.isEmpty()) {
                throw new IllegalStateException("log " + logId + " lacks its subtree at level " + level + ", index " + index);
            }
            return found.get(0);
        };
    }

    public MerkleProofs proofs(UUID logId) {
        return new MerkleProofs(subtrees(logId));
    }

    /**
     * Recomputes a log from its stored records: every record's leaf hash from its JSON, then the root of
     * every signed checkpoint from the leaf hashes. Returns what does not match, naming records and
     * checkpoints; empty when the log is intact. (Records whose JSON retention removed are checked by
     * their stored hash only.)
     */
    public List<String> findTampering(UUID logId, List<Long> checkpointSizes, List<byte[]> checkpointRoots) {
        List<String> problems = new ArrayList<>();
        TreeHead head = head(logId).orElse(new TreeHead(logId, 0, MerkleHashes.emptyRoot()));
        CompactRange recomputed = CompactRange.empty();
        int[] nextCheckpoint = {0};
        long[] expected = {0};
        Runnable compareCheckpoints = () -> {
            while (nextCheckpoint[0] < checkpointSizes.size() && checkpointSizes.get(nextCheckpoint[0]) == recomputed.size()) {
                if (!Arrays.equals(recomputed.root(), checkpointRoots.get(nextCheckpoint[0]))) {
                    problems.add("log " + logId + ": the records before index " + recomputed.size() + " do not match the checkpoint signed at that size");
                }
                nextCheckpoint[0]++;
            }
        };
        compareCheckpoints.run();
        // The records the head covers: one appended meanwhile comes after them, with its own head.
        forEachRecord(logId, 0, head.size(), record -> {
            if (record.index() != expected[0]) {
                problems.add("log " + logId + ": record at index " + expected[0] + " is missing");
                expected[0] = record.index();
            }
            if (record.eventJson() != null
                    && !Arrays.equals(record.leafHash(), MerkleHashes.leaf(record.eventJson().getBytes(StandardCharsets.UTF_8)))) {
                problems.add("log " + logId + ": record " + record.index() + " (" + record.recordId() + ") was modified");
            }
            recomputed.append(record.leafHash());
            expected[0]++;
            compareCheckpoints.run();
        });
        if (recomputed.size() != head.size() || !Arrays.equals(recomputed.root(), head.root())) {
            problems.add("log " + logId + ": its head (size " + head.size() + ") does not match its " + recomputed.size() + " records");
        }
        long headNow = head(logId).map(TreeHead::size).orElse(head.size());
        long[] beyondTheHead = {0};
        forEachRecord(logId, Math.max(headNow, head.size()), Long.MAX_VALUE, record -> beyondTheHead[0]++);
        if (beyondTheHead[0] > 0) {
            problems.add("log " + logId + ": " + beyondTheHead[0] + " records lie beyond its head (size " + headNow + ")");
        }
        if (nextCheckpoint[0] < checkpointSizes.size()) {
            problems.add("log " + logId + ": it has " + recomputed.size() + " records, fewer than its checkpoint of size "
                    + checkpointSizes.get(checkpointSizes.size() - 1) + " (the tail was cut)");
        }
        return problems;
    }

    static String canonicalJson(AuditEvent event) {
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("action", event.action());
        document.put("facts", event.facts());
        document.put("occurred_at", event.occurredAt().toString());
        document.put("record_id", event.recordId());
        document.put("request_id", event.requestId());
        document.put("tenant_id", event.tenantId() == null ? null : event.tenantId().toString());
        try {
            return CANONICAL_JSON.writeValueAsString(document);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("audit facts must be plain values", e);
        }
    }

    JdbcClient jdbc() {
        return jdbc;
    }
}
