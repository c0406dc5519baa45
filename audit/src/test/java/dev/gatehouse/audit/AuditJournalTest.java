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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static dev.gatehouse.audit.AuditTestLogs.call;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AuditJournalTest {

    private static final UUID TENANT = UUID.randomUUID();
    private static final Duration RETRY = Duration.ofMillis(20);

    @TempDir
    Path directory;

    private AuditLog log;
    private final AtomicBoolean databaseDown = new AtomicBoolean();

    @BeforeEach
    void freshLog() {
        log = AuditLog.migrate(TestPostgres.freshDatabase());
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

    private Consumer<List<AuditEvent>> unlessDown(Consumer<List<AuditEvent>> store) {
        return events -> {
            if (databaseDown.get()) {
                throw new IllegalStateException("database down");
            }
            store.accept(events);
        };
    }

    private List<Path> segments() throws Exception {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(path -> path.toString().endsWith(".journal")).sorted().toList();
        }
    }
}
