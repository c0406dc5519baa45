package dev.gatehouse.audit.verify;

import dev.gatehouse.audit.AuditEvent;
import dev.gatehouse.audit.AuditLog;
import org.postgresql.ds.PGSimpleDataSource;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Run in a JVM of its own ({@link LargeExportTest}): appends a tenant's calls to its log through
 * the real append path, ten thousand at a time as a busy journal does, and prints what it took.
 * Arguments: JDBC URL, tenant id, number of records.
 */
public final class LargeLogFill {

    private static final int BATCH = 10_000;

    private LargeLogFill() {
    }

    public static void main(String[] arguments) {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setURL(arguments[0]);
        dataSource.setUser("postgres");
        UUID tenant = UUID.fromString(arguments[1]);
        int records = Integer.parseInt(arguments[2]);
        AuditLog log = AuditLog.migrate(dataSource);
        Instant start = Instant.parse("2026-11-01T00:00:00Z");

        long started = System.nanoTime();
        for (int first = 0; first < records; first += BATCH) {
            List<AuditEvent> events = new ArrayList<>(BATCH);
            for (int i = first; i < Math.min(records, first + BATCH); i++) {
                events.add(new AuditEvent("call-" + i, "request-" + i, tenant, start.plusMillis(i), "model_call",
                        Map.of("status", 200, "model", "chat-simulator", "prompt_tokens", 42, "completion_tokens", 17, "latency_ms", 31)));
            }
            log.append(events);
        }
        System.out.printf("appended %d records in %.1f s%n", records, (System.nanoTime() - started) / 1e9);
    }
}
