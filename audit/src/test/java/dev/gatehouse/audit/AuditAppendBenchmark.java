package dev.gatehouse.audit;

import dev.gatehouse.crypto.EncryptionContext;
import dev.gatehouse.crypto.KeyCachePolicy;
import dev.gatehouse.crypto.TenantCipher;
import dev.gatehouse.crypto.TenantId;
import dev.gatehouse.crypto.keystore.MasterSecret;
import dev.gatehouse.crypto.kms.LocalKeystoreKms;
import dev.gatehouse.crypto.signing.Ed25519KeyRing;
import dev.gatehouse.testing.TestPostgres;
import org.postgresql.ds.PGSimpleDataSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Benchmark only (docs/benchmarks.md), run by hand: {@code java -cp <test class path> dev.gatehouse.audit.AuditAppendBenchmark}.
 * 1. the journal with fsync on: durable appends per second from concurrent callers and the wait of each (what a call's end waits for),
 *    for records alone and for records with their call's content (1 KiB prompt and 1 KiB completion sealed with the tenant's key
 *    by the local keystore, then journaled with the record: the wait then covers sealing too);
 * 2. sequencing in PostgreSQL: appends per second from four writers to one tenant's log, and to four tenants' logs;
 * 3. an export job of 100,000 records: from the request to the completed bundle, records/s and MB/s of bundle.
 */
public final class AuditAppendBenchmark {

    private static final Map<String, Object> FACTS = Map.of("status", 200, "model", "chat-simulator", "prompt_tokens", 42,
            "completion_tokens", 17, "latency_ms", 31, "policy_allow", true, "policy_revision", "2026-11-27.1");

    private AuditAppendBenchmark() {
    }

    /** Runs every part, or those named: {@code journal}, {@code sequencing}, {@code export}. */
    public static void main(String[] arguments) throws Exception {
        Set<String> parts = arguments.length == 0 ? Set.of("journal", "sequencing", "export") : Set.of(arguments);
        if (parts.contains("journal")) {
            journal(1, 2_000, 0);
            journal(1, 2_000, 1024);
            journal(16, 5_000, 0);
            journal(16, 5_000, 1024);
        }
        if (parts.contains("sequencing")) {
            sequencing(4, 1, 200, 50);
            sequencing(4, 4, 200, 50);
        }
        if (parts.contains("export")) {
            exportJob(100_000);
        }
        System.exit(0);
    }

    private static void journal(int callers, int perCaller, int contentBytes) throws Exception {
        PGSimpleDataSource dataSource = fastDataSource();
        AuditLog log = AuditLog.migrate(dataSource);
        Path directory = Files.createTempDirectory("journal-benchmark");
        UUID tenant = UUID.randomUUID();
        TenantCipher cipher = TenantCipher.create(LocalKeystoreKms.open(directory.resolve("keks.bcfks"),
                MasterSecret.of("benchmark master secret".toCharArray())), KeyCachePolicy.defaults());
        cipher.createTenantKey(TenantId.of(tenant.toString()));
        byte[] plaintext = new byte[contentBytes];
        Arrays.fill(plaintext, (byte) 'a');
        long[] waits = new long[callers * perCaller];
        try (AuditJournal journal = AuditJournal.open(directory.resolve("journal"), 1_000_000, log::append,
                new ContentQueueBudget(4L * 1024 * 1024 * 1024), new ContentLog(dataSource)::store, Duration.ofMillis(100))) {
            ExecutorService pool = Executors.newFixedThreadPool(callers);
            long started = System.nanoTime();
            List<CompletableFuture<Void>> done = new ArrayList<>();
            for (int caller = 0; caller < callers; caller++) {
                int first = caller * perCaller;
                done.add(CompletableFuture.runAsync(() -> {
                    for (int i = first; i < first + perCaller; i++) {
                        long begin = System.nanoTime();
                        AuditEvent event = new AuditEvent("bench-" + i, "request", tenant, Instant.now(), "model_call", FACTS);
                        if (contentBytes == 0) {
                            journal.append(event).join();
                        } else {
                            EncryptedContent sealed = new EncryptedContent(event.recordId(), "request", tenant, event.occurredAt(),
                                    event.occurredAt().plus(Duration.ofDays(30)),
                                    cipher.encrypt(TenantId.of(tenant.toString()), plaintext, EncryptionContext.of(event.recordId(), "prompt")),
                                    cipher.encrypt(TenantId.of(tenant.toString()), plaintext, EncryptionContext.of(event.recordId(), "completion")));
                            journal.tryReserve();
                            journal.tryReserveContent((long) sealed.promptCiphertext().length + sealed.completionCiphertext().length);
                            journal.appendReserved(event, sealed).join();
                        }
                        waits[i] = System.nanoTime() - begin;
                    }
                }, pool));
            }
            CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).join();
            double durableSeconds = (System.nanoTime() - started) / 1e9;
            journal.flush(Duration.ofMinutes(5));
            double storedSeconds = (System.nanoTime() - started) / 1e9;
            pool.shutdown();
            Arrays.sort(waits);
            System.out.printf("journal, content of %d bytes each way: %d callers, %d records durable in %.2f s = %.0f records/s (%d fsyncs, %.1f records per fsync);"
                            + " wait for durability p50 %.2f ms, p99 %.2f ms, max %.2f ms; all stored in PostgreSQL after %.2f s = %.0f records/s%n",
                    contentBytes, callers, waits.length, durableSeconds, waits.length / durableSeconds, journal.fsyncCount(),
                    waits.length / (double) journal.fsyncCount(), waits[waits.length / 2] / 1e6, waits[waits.length * 99 / 100] / 1e6,
                    waits[waits.length - 1] / 1e6, storedSeconds, waits.length / storedSeconds);
        }
    }

    private static void sequencing(int writers, int tenants, int batches, int batchSize) throws Exception {
        AuditLog log = AuditLog.migrate(fastDataSource());
        List<UUID> logs = new ArrayList<>();
        for (int i = 0; i < tenants; i++) {
            logs.add(UUID.randomUUID());
        }
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        long started = System.nanoTime();
        for (int writer = 0; writer < writers; writer++) {
            UUID tenant = logs.get(writer % tenants);
            int id = writer;
            pool.submit(() -> {
                for (int batch = 0; batch < batches; batch++) {
                    List<AuditEvent> events = new ArrayList<>(batchSize);
                    for (int i = 0; i < batchSize; i++) {
                        events.add(new AuditEvent("w" + id + "-" + batch + "-" + i, "request", tenant, Instant.now(), "model_call", FACTS));
                    }
                    log.append(events);
                }
            });
        }
        pool.shutdown();
        pool.awaitTermination(30, TimeUnit.MINUTES);
        double seconds = (System.nanoTime() - started) / 1e9;
        long records = (long) writers * batches * batchSize;
        System.out.printf("sequencing: %d writers into %d tenant log(s), batches of %d: %d records in %.2f s = %.0f records/s%n",
                writers, tenants, batchSize, records, seconds, records / seconds);
    }

    private static void exportJob(int records) throws Exception {
        PGSimpleDataSource dataSource = fastDataSource();
        AuditLog log = AuditLog.migrate(dataSource);
        UUID tenant = UUID.randomUUID();
        for (int start = 0; start < records; start += 10_000) {
            List<AuditEvent> events = new ArrayList<>(10_000);
            for (int i = start; i < start + 10_000; i++) {
                events.add(new AuditEvent("export-" + i, "request", tenant, Instant.now(), "model_call", FACTS));
            }
            log.append(events);
        }
        Path directory = Files.createTempDirectory("export-benchmark");
        Ed25519KeyRing ring = Ed25519KeyRing.openOrCreate(directory.resolve("signing.bcfks"), MasterSecret.of("benchmark signing secret".toCharArray()));
        AuditExport export = new AuditExport(log, new AuditCheckpoints(log, ring, ring::publicKeys, Clock.systemUTC()), ring, Clock.systemUTC());
        try (AuditExportJobs jobs = AuditExportJobs.open(dataSource, export, directory.resolve("exports"), 1, Clock.systemUTC())) {
            long started = System.nanoTime();
            AuditExportJobs.Job job = jobs.start(tenant, "bench", Instant.EPOCH, Instant.parse("9999-01-01T00:00:00Z"), AuditExport.Format.JSONL);
            while (job.state() != AuditExportJobs.State.COMPLETED && job.state() != AuditExportJobs.State.FAILED) {
                Thread.sleep(50);
                job = jobs.find(tenant, job.id()).orElseThrow();
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            System.out.printf("export job: %s, %d records in %.2f s = %.0f records/s; bundle %.1f MB = %.1f MB/s%n", job.state().code(),
                    job.recordsTotal(), seconds, job.recordsTotal() / seconds, job.bundleBytes() / 1e6, job.bundleBytes() / 1e6 / seconds);
        }
    }

    private static PGSimpleDataSource fastDataSource() {
        PGSimpleDataSource dataSource = (PGSimpleDataSource) TestPostgres.freshDatabase();
        dataSource.setReWriteBatchedInserts(true);
        return dataSource;
    }
}
