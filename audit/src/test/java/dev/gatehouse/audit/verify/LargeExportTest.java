package dev.gatehouse.audit.verify;

import dev.gatehouse.audit.AuditEvent;
import dev.gatehouse.audit.AuditLog;
import dev.gatehouse.crypto.keystore.MasterSecret;
import dev.gatehouse.crypto.signing.Ed25519KeyRing;
import dev.gatehouse.testing.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A million records, far more than a 64 MB heap holds (some 400 MB of JSON lines), export and
 * verify in a JVM whose heap is limited to 64 MB: the export streams a page at a time, and the
 * verifier reads a line at a time. {@code -Dgatehouse.large-export.records=N} changes the count
 * for a quicker local run.
 */
class LargeExportTest {

    static final String SECRET = "large export test secret";
    private static final int RECORDS = Integer.getInteger("gatehouse.large-export.records", 1_000_000);
    private static final int BATCH = 10_000;

    @TempDir
    Path directory;

    @Test
    void moreRecordsThanTheHeapHoldsExportAndVerifyInABoundedHeap() throws Exception {
        PGSimpleDataSource database = (PGSimpleDataSource) TestPostgres.freshDatabase();
        database.setReWriteBatchedInserts(true);
        AuditLog log = AuditLog.migrate(database);
        UUID tenant = UUID.randomUUID();
        Instant start = Instant.parse("2026-11-01T00:00:00Z");
        long appendStarted = System.nanoTime();
        for (int batch = 0; batch < RECORDS / BATCH; batch++) {
            List<AuditEvent> events = new ArrayList<>(BATCH);
            for (int i = batch * BATCH; i < (batch + 1) * BATCH; i++) {
                events.add(new AuditEvent("call-" + i, "request-" + i, tenant, start.plusMillis(i), "model_call",
                        Map.of("status", 200, "model", "chat-simulator", "prompt_tokens", 42, "completion_tokens", 17, "latency_ms", 31)));
            }
            log.append(events);
        }
        System.out.printf("appended %d records in %.1f s%n", RECORDS, (System.nanoTime() - appendStarted) / 1e9);
        Path keyRing = directory.resolve("signing.bcfks");
        Ed25519KeyRing.openOrCreate(keyRing, MasterSecret.of(SECRET.toCharArray()));

        Process export = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx64m",
                "-cp", System.getProperty("java.class.path"), BoundedMemoryExport.class.getName(),
                database.getURL(), tenant.toString(), keyRing.toString(), directory.resolve("bundle.zip").toString())
                .redirectErrorStream(true).start();
        String output = new String(export.getInputStream().readAllBytes());
        System.out.print(output);

        assertThat(export.waitFor()).as(output).isZero();
        assertThat(output).contains("VERIFIED " + RECORDS);
    }
}
