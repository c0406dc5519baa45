package dev.gatehouse.audit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;

import javax.sql.DataSource;

/**
 * Exports run as jobs: {@link #start} plans the export (signing its checkpoint, so the number of
 * records is known at once) and returns a queued job; a worker writes the bundle to a file of this
 * process ({@code <directory>/<job id>.zip}, fsynced, renamed into place when whole) and records its
 * progress, so a client polls state, records done and total, and downloads the bundle once completed.
 * A job is stored in the {@code audit} schema and never lost: one that was queued or running when its
 * process stopped is marked failed at the next start (its partial file removed), saying so; a new
 * export is then asked for. At most {@code concurrency} bundles are written at once; others wait queued.
 */
public final class AuditExportJobs implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AuditExportJobs.class);
    private static final String INTERRUPTED = "interrupted: the process writing the bundle stopped; ask for a new export";
    private static final RowMapper<Job> ROW = (row, index) -> new Job(
            row.getObject("job_id", UUID.class),
            row.getObject("log_id", UUID.class),
            State.valueOf(row.getString("state").toUpperCase(Locale.ROOT)),
            row.getLong("records_done"),
            row.getLong("records_total"),
            (Long) row.getObject("bundle_bytes"),
            row.getString("error"),
            row.getTimestamp("created_at").toInstant(),
            row.getTimestamp("finished_at") == null ? null : row.getTimestamp("finished_at").toInstant());

    private final JdbcClient jdbc;
    private final AuditExport export;
    private final Path directory;
    private final String runner;
    private final Clock clock;
    private final ExecutorService workers;

    public enum State {
        QUEUED, RUNNING, COMPLETED, FAILED;

        public String code() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** A job as stored; {@code bundleBytes} once completed, {@code error} once failed. */
    public record Job(UUID id, UUID logId, State state, long recordsDone, long recordsTotal, Long bundleBytes, String error,
                      Instant createdAt, Instant finishedAt) {

        /** Whole percent of the records written; 100 once completed (an empty export included). */
        public int percentage() {
            if (state == State.COMPLETED) {
                return 100;
            }
            return recordsTotal == 0 ? 0 : (int) Math.min(99, recordsDone * 100 / recordsTotal);
        }
    }

    private AuditExportJobs(DataSource migratedAuditSchema, AuditExport export, Path directory, int concurrency, Clock clock) {
        this.jdbc = JdbcClient.create(migratedAuditSchema);
        this.export = export;
        this.directory = directory;
        this.runner = hostName() + ":" + directory.toAbsolutePath().normalize();
        this.clock = clock;
        this.workers = Executors.newFixedThreadPool(concurrency, runnable -> {
            Thread thread = new Thread(runnable, "gatehouse-audit-export-job");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Opens the jobs whose bundles go to {@code directory}; first marks this runner's interrupted jobs failed. */
    public static AuditExportJobs open(DataSource migratedAuditSchema, AuditExport export, Path directory, int concurrency, Clock clock) {
        AuditExportJobs jobs = new AuditExportJobs(migratedAuditSchema, export, directory, concurrency, clock);
        try {
            Files.createDirectories(directory);
            try (Stream<Path> files = Files.list(directory)) {
                for (Path partial : files.filter(file -> file.getFileName().toString().endsWith(".part")).toList()) {
                    Files.delete(partial);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the export directory " + directory, e);
        }
        int interrupted = jobs.jdbc.sql("""
                        UPDATE audit.export_jobs SET state = 'failed', error = :error, finished_at = :now
                        WHERE runner = :runner AND state IN ('queued', 'running')
                        """)
                .param("error", INTERRUPTED).param("now", Timestamp.from(clock.instant())).param("runner", jobs.runner).update();
        if (interrupted > 0) {
            LOG.warn("{} audit export jobs were interrupted by the last stop and are marked failed", interrupted);
        }
        return jobs;
    }

    /** Plans the export now and queues the writing of its bundle; returns the queued job. */
    public Job start(UUID logId, String logName, Instant from, Instant to, AuditExport.Format format) {
        AuditExport.Plan plan = export.plan(logId, logName, from, to, format);
        UUID id = UUID.randomUUID();
        jdbc.sql("""
                        INSERT INTO audit.export_jobs (job_id, log_id, log_name, window_from, window_to, record_format, runner,
                            state, records_total, created_at)
                        VALUES (:id, :log, :name, :from, :to, :format, :runner, 'queued', :total, :now)
                        """)
                .param("id", id).param("log", logId).param("name", logName).param("from", Timestamp.from(from)).param("to", Timestamp.from(to))
                .param("format", format.name().toLowerCase(Locale.ROOT)).param("runner", runner)
                .param("total", plan.recordCount()).param("now", Timestamp.from(clock.instant()))
                .update();
        workers.submit(() -> write(id, plan));
        return find(logId, id).orElseThrow();
    }

    /** The job, if it is one of this log's; another log's job is not found. */
    public Optional<Job> find(UUID logId, UUID jobId) {
        return jdbc.sql("""
                        SELECT job_id, log_id, state, records_done, records_total, bundle_bytes, error, created_at, finished_at
                        FROM audit.export_jobs WHERE log_id = :log AND job_id = :id
                        """)
                .param("log", logId).param("id", jobId).query(ROW).optional();
    }

    /** The completed job's bundle, when this process wrote it. */
    public Optional<Path> bundle(Job job) {
        Path bundle = bundlePath(job.id());
        return job.state() == State.COMPLETED && Files.isRegularFile(bundle) ? Optional.of(bundle) : Optional.empty();
    }

    private void write(UUID id, AuditExport.Plan plan) {
        Path partial = directory.resolve(id + ".zip.part");
        try {
            setState(id, State.RUNNING);
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(partial, StandardOpenOption.CREATE_NEW), 64 * 1024)) {
                export.write(plan, out, written -> jdbc.sql("UPDATE audit.export_jobs SET records_done = :done WHERE job_id = :id")
                        .param("done", written).param("id", id).update());
            }
            try (FileChannel file = FileChannel.open(partial, StandardOpenOption.WRITE)) {
                file.force(true);
            }
            Files.move(partial, bundlePath(id), StandardCopyOption.ATOMIC_MOVE);
            jdbc.sql("""
                            UPDATE audit.export_jobs SET state = 'completed', records_done = records_total, bundle_bytes = :bytes, finished_at = :now
                            WHERE job_id = :id
                            """)
                    .param("bytes", Files.size(bundlePath(id))).param("now", Timestamp.from(clock.instant())).param("id", id).update();
        } catch (IOException | RuntimeException e) {
            LOG.error("audit export job {} failed", id, e);
            try {
                Files.deleteIfExists(partial);
            } catch (IOException cannotDelete) {
                LOG.warn("cannot delete the partial bundle {}: {}", partial, cannotDelete.toString());
            }
            jdbc.sql("UPDATE audit.export_jobs SET state = 'failed', error = :error, finished_at = :now WHERE job_id = :id")
                    .param("error", "the bundle could not be written (" + e.getClass().getSimpleName() + "); ask for a new export")
                    .param("now", Timestamp.from(clock.instant())).param("id", id).update();
        }
    }

    private void setState(UUID id, State state) {
        jdbc.sql("UPDATE audit.export_jobs SET state = :state WHERE job_id = :id").param("state", state.code()).param("id", id).update();
    }

    private Path bundlePath(UUID id) {
        return directory.resolve(id + ".zip");
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    /** Stops the workers; a job they were writing is marked failed at the next start. */
    @Override
    public void close() {
        workers.shutdownNow();
    }
}
