package dev.gatehouse.audit;

import dev.gatehouse.testing.TestPostgres;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.stream.Stream;

import javax.sql.DataSource;

import static dev.gatehouse.audit.AuditTestLogs.call;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AuditJournalTest {

    private static final UUID TENANT = UUID.randomUUID();
    private static final Duration RETRY = Duration.ofMillis(20);

    @TempDir
    Path directory;

    private static final long MIB = 1024 * 1024;

    private AuditLog log;
    private ContentLog contentLog;
    private final AtomicBoolean databaseDown = new AtomicBoolean();
    private final AtomicBoolean contentLogDown = new AtomicBoolean();

    @BeforeEach
    void freshLog() {
        DataSource dataSource = TestPostgres.freshDatabase();
        log = AuditLog.migrate(dataSource);
        contentLog = new ContentLog(dataSource);
    }

    @Test
    void anAppendIsDurableWhenItsFutureCompletesAndStoredSoonAfter() throws Exception {
        try (AuditJournal journal = AuditJournal.open(directory, 1_000, log::append, RETRY)) {
            List<CompletableFuture<Void>> durable = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                durable.add(journal.append(call(TENANT, "call-" + i, Map.of("status", 200))));
            }
            CompletableFuture.allOf(durable.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
            assertThat(journal.flush(Duration.ofSeconds(10))).isTrue();
            assertThat(journal.fsyncCount()).as("group commit: fewer fsyncs than records").isLessThanOrEqualTo(50);
        }
        assertThat(log.head(TENANT).orElseThrow().size()).isEqualTo(50);
        assertThat(segments()).as("segments are removed once stored").isEmpty();
    }

    @Test
    void recordsJournaledBeforeACrashAreStoredAtTheNextStartAndATornRecordIsCutOff() throws Exception {
        databaseDown.set(true);
        AuditJournal crashed = AuditJournal.open(directory, 1_000, unlessDown(log::append), RETRY);
        for (int i = 0; i < 20; i++) {
            crashed.append(call(TENANT, "before-crash-" + i, Map.of())).get(10, TimeUnit.SECONDS);
        }
        Files.write(segments().get(0), new byte[] {0, 0, 0, 40, 1, 2, 3, 4, '{'}, StandardOpenOption.APPEND);

        try (AuditJournal restarted = AuditJournal.open(directory, 1_000, log::append, RETRY)) {
            assertThat(log.head(TENANT).orElseThrow().size()).as("stored before the journal accepts anything").isEqualTo(20);
            restarted.append(call(TENANT, "after-restart", Map.of())).get(10, TimeUnit.SECONDS);
            assertThat(restarted.flush(Duration.ofSeconds(10))).isTrue();
        }
        assertThat(log.head(TENANT).orElseThrow().size()).isEqualTo(21);
        assertThat(log.recordsOfCall("before-crash-7")).hasSize(1);
    }

    @Test
    void replayingRecordsStoredBeforeTheCrashDuplicatesNothing() throws Exception {
        AuditJournal crashed = AuditJournal.open(directory, 1_000, log::append, RETRY);
        for (int i = 0; i < 10; i++) {
            crashed.append(call(TENANT, "stored-" + i, Map.of())).get(10, TimeUnit.SECONDS);
        }
        assertThat(crashed.flush(Duration.ofSeconds(10))).isTrue();
        assertThat(segments()).as("the active segment stays until it rolls or the journal closes").isNotEmpty();

        AuditJournal.open(directory, 1_000, log::append, RETRY).close();

        assertThat(log.head(TENANT).orElseThrow().size()).isEqualTo(10);
    }

    @Test
    void aFullJournalRefusesRatherThanDrops() throws Exception {
        databaseDown.set(true);
        try (AuditJournal journal = AuditJournal.open(directory, 5, unlessDown(log::append), RETRY)) {
            for (int i = 0; i < 5; i++) {
                journal.append(call(TENANT, "kept-" + i, Map.of())).get(10, TimeUnit.SECONDS);
            }
            assertThat(journal.tryReserve()).isFalse();
            assertThatThrownBy(() -> journal.append(call(TENANT, "refused", Map.of())).join())
                    .hasCauseInstanceOf(AuditJournal.JournalFullException.class);

            databaseDown.set(false);
            assertThat(journal.flush(Duration.ofSeconds(10))).isTrue();
            assertThat(journal.tryReserve()).isTrue();
            journal.cancelReservation();
        }
        assertThat(log.head(TENANT).orElseThrow().size()).isEqualTo(5);
        assertThat(log.recordsOfCall("refused")).isEmpty();
    }

    @Test
    void closingWhileTheDatabaseIsAwayKeepsTheRecordsForTheNextStart() throws Exception {
        databaseDown.set(true);
        AuditJournal journal = AuditJournal.open(directory, 100, unlessDown(log::append), RETRY);
        journal.append(call(TENANT, "kept-over-a-stop", Map.of())).get(10, TimeUnit.SECONDS);
        journal.close(Duration.ofMillis(200));
        assertThat(segments()).isNotEmpty();

        databaseDown.set(false);
        AuditJournal.open(directory, 100, log::append, RETRY).close();

        assertThat(log.recordsOfCall("kept-over-a-stop")).hasSize(1);
    }

    @Test
    void sealedContentJournaledWithItsRecordIsStoredAtTheNextStartAfterACrash() throws Exception {
        databaseDown.set(true);
        AuditJournal crashed = journalWithContent(unlessDown(log::append), unlessDown(contentLog::store), MIB);
        EncryptedContent content = sealed("logged-call", 1_000);
        assertThat(crashed.tryReserve()).isTrue();
        assertThat(crashed.tryReserveContent(bytesOf(content))).isTrue();
        crashed.appendReserved(call(TENANT, "logged-call", Map.of("content_logged", true)), content).get(10, TimeUnit.SECONDS);

        try (AuditJournal restarted = journalWithContent(log::append, contentLog::store, MIB)) {
            assertThat(contentLog.find(TENANT, "logged-call")).as("stored before the journal accepts anything")
                    .hasValueSatisfying(stored -> {
                        assertThat(stored.promptCiphertext()).isEqualTo(content.promptCiphertext());
                        assertThat(stored.completionCiphertext()).isEqualTo(content.completionCiphertext());
                        assertThat(stored.expiresAt()).isEqualTo(content.expiresAt());
                    });
            assertThat(log.recordsOfCall("logged-call")).hasSize(1);
        }
    }

    @Test
    void aRecordIsNotStoredBeforeItsContent() throws Exception {
        contentLogDown.set(true);
        try (AuditJournal journal = journalWithContent(log::append, unlessContentLogDown(contentLog::store), MIB)) {
            EncryptedContent content = sealed("waits-for-its-content", 100);
            assertThat(journal.tryReserve() && journal.tryReserveContent(bytesOf(content))).isTrue();
            journal.appendReserved(call(TENANT, "waits-for-its-content", Map.of()), content).get(10, TimeUnit.SECONDS);

            assertThat(journal.flush(Duration.ofMillis(300))).isFalse();
            assertThat(log.recordsOfCall("waits-for-its-content")).isEmpty();

            contentLogDown.set(false);
            assertThat(journal.flush(Duration.ofSeconds(10))).isTrue();
        }
        assertThat(contentLog.find(TENANT, "waits-for-its-content")).isPresent();
        assertThat(log.recordsOfCall("waits-for-its-content")).hasSize(1);
    }

    @Test
    void contentBeyondTheByteBudgetIsRefusedAndRoomComesBackOnceItIsStored() throws Exception {
        databaseDown.set(true);
        try (AuditJournal journal = journalWithContent(unlessDown(log::append), unlessDown(contentLog::store), MIB)) {
            EncryptedContent large = sealed("large", 300 * 1024);
            assertThat(journal.tryReserve() && journal.tryReserveContent(bytesOf(large))).isTrue();
            journal.appendReserved(call(TENANT, "large", Map.of()), large).get(10, TimeUnit.SECONDS);

            assertThat(journal.tryReserveContent(bytesOf(large))).as("two of them exceed a MiB").isFalse();

            databaseDown.set(false);
            assertThat(journal.flush(Duration.ofSeconds(10))).isTrue();
            assertThat(journal.tryReserveContent(bytesOf(large))).isTrue();
        }
        try (AuditJournal eventsOnly = AuditJournal.open(directory, 10, log::append, RETRY)) {
            assertThat(eventsOnly.tryReserveContent(1)).as("a journal opened for events only takes no content").isFalse();
        }
    }

    private AuditJournal journalWithContent(Consumer<List<AuditEvent>> events, Consumer<List<EncryptedContent>> contents, long contentBytes) {
        return AuditJournal.open(directory, 1_000, events, new ContentQueueBudget(contentBytes), contents, RETRY);
    }

    /** Stands for content sealed with the tenant's key: the journal takes it as opaque bytes. */
    private static EncryptedContent sealed(String callId, int bytesEach) {
        byte[] prompt = new byte[bytesEach];
        byte[] completion = new byte[bytesEach];
        ThreadLocalRandom.current().nextBytes(prompt);
        ThreadLocalRandom.current().nextBytes(completion);
        return new EncryptedContent(callId, "caller-request", TENANT, AuditTestLogs.NOON, AuditTestLogs.NOON.plus(Duration.ofDays(7)),
                prompt, completion);
    }

    private static long bytesOf(EncryptedContent content) {
        return (long) content.promptCiphertext().length + content.completionCiphertext().length;
    }

    private <T> Consumer<List<T>> unlessDown(Consumer<List<T>> store) {
        return records -> {
            if (databaseDown.get()) {
                throw new IllegalStateException("database down");
            }
            store.accept(records);
        };
    }

    private <T> Consumer<List<T>> unlessContentLogDown(Consumer<List<T>> store) {
        return records -> {
            if (contentLogDown.get()) {
                throw new IllegalStateException("content log down");
            }
            store.accept(records);
        };
    }

    private List<Path> segments() throws Exception {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(path -> path.toString().endsWith(".journal")).sorted().toList();
        }
    }
}
