package dev.gatehouse.audit;

import dev.gatehouse.audit.verify.BundleVerifier;
import dev.gatehouse.crypto.signing.Ed25519KeyRing;
import dev.gatehouse.testing.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import static dev.gatehouse.audit.AuditTestLogs.call;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class AuditExportJobsTest {

    private static final UUID ACME = UUID.randomUUID();

    @TempDir
    Path directory;

    private DataSource dataSource;
    private AuditExport export;
    private AuditExportJobs jobs;

    @BeforeEach
    void logWithRecords() {
        dataSource = TestPostgres.freshDatabase();
        AuditLog log = AuditLog.migrate(dataSource);
        Ed25519KeyRing ring = AuditTestLogs.keyRing(directory);
        export = new AuditExport(log, AuditTestLogs.checkpoints(log, ring), ring, Clock.systemUTC());
        List<AuditEvent> events = new ArrayList<>();
        for (int i = 0; i < 2_500; i++) {
            events.add(call(ACME, "call-" + i, Map.of("status", 200)));
        }
        log.append(events);
        jobs = AuditExportJobs.open(dataSource, export, directory.resolve("exports"), 1, Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        jobs.close();
    }

    @Test
    void aJobKnowsItsTotalAtOnceAndEndsWithABundleThatVerifies() throws Exception {
        AuditExportJobs.Job started = jobs.start(ACME, "acme", Instant.EPOCH, Instant.parse("9999-01-01T00:00:00Z"), AuditExport.Format.JSONL);

        assertThat(started.recordsTotal()).isEqualTo(2_500);
        assertThat(started.state()).isIn(AuditExportJobs.State.QUEUED, AuditExportJobs.State.RUNNING);
        AuditExportJobs.Job done = awaitEnd(started.id());
        assertThat(done.state()).isEqualTo(AuditExportJobs.State.COMPLETED);
        assertThat(done.percentage()).isEqualTo(100);
        assertThat(done.recordsDone()).isEqualTo(2_500);
        Path bundle = jobs.bundle(done).orElseThrow();
        assertThat(Files.size(bundle)).isEqualTo(done.bundleBytes());
        assertThat(BundleVerifier.verify(bundle).problems()).isEmpty();
    }

    @Test
    void anotherLogsJobIsNotFound() {
        AuditExportJobs.Job started = jobs.start(ACME, "acme", Instant.EPOCH, Instant.parse("9999-01-01T00:00:00Z"), AuditExport.Format.CSV);

        assertThat(jobs.find(UUID.randomUUID(), started.id())).isEmpty();
        assertThat(jobs.find(ACME, UUID.randomUUID())).isEmpty();
        assertThat(awaitEnd(started.id()).state()).isEqualTo(AuditExportJobs.State.COMPLETED);
    }

    @Test
    void aJobLeftRunningByAStoppedProcessIsMarkedFailedAtTheNextStartAndItsPartialFileRemoved() throws Exception {
        AuditExportJobs.Job done = awaitEnd(jobs.start(ACME, "acme", Instant.EPOCH, Instant.parse("9999-01-01T00:00:00Z"),
                AuditExport.Format.JSONL).id());
        jobs.close();
        JdbcClient.create(dataSource).sql("UPDATE audit.export_jobs SET state = 'running', records_done = 1000 WHERE job_id = :id")
                .param("id", done.id()).update();
        Path partial = Files.writeString(directory.resolve("exports").resolve(UUID.randomUUID() + ".zip.part"), "cut off");

        jobs = AuditExportJobs.open(dataSource, export, directory.resolve("exports"), 1, Clock.systemUTC());

        AuditExportJobs.Job interrupted = jobs.find(ACME, done.id()).orElseThrow();
        assertThat(interrupted.state()).isEqualTo(AuditExportJobs.State.FAILED);
        assertThat(interrupted.error()).startsWith("interrupted");
        assertThat(jobs.bundle(interrupted)).isEmpty();
        assertThat(partial).doesNotExist();
    }

    private AuditExportJobs.Job awaitEnd(UUID id) {
        return await().atMost(Duration.ofSeconds(60)).until(() -> jobs.find(ACME, id).orElseThrow(),
                job -> job.state() == AuditExportJobs.State.COMPLETED || job.state() == AuditExportJobs.State.FAILED);
    }
}
