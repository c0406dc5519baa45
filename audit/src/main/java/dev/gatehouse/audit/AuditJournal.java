package dev.gatehouse.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * The local write-ahead journal in front of the audit log: an event is durable when {@link #append}'s
 * future completes, because it is then written and fsynced in a segment file; a shipper thread then
 * stores it in the audit log (PostgreSQL) and a segment is deleted once everything in it is stored.
 * Group commit: one committer thread writes every event waiting at that moment and fsyncs once, so
 * the cost of an fsync is shared by all calls that end together.
 *
 * <p>After a crash, {@link #open} reads the segments back (a record torn by the crash, never
 * acknowledged, is cut off by its checksum) and stores them before accepting new events; storing is
 * idempotent by record id, so events already stored before the crash are not duplicated.
 *
 * <p>Bounded: at most {@code capacity} events may be journaled but not yet stored. A caller that
 * finds no room gets a refusal ({@link #tryReserve()} false, or a failed future), never a silent drop:
 * the gateway refuses the call (fail closed) while the database is away for that long.
 *
 * <p>A call's logged content travels with its event: sealed (encrypted with the tenant's key) before
 * it is journaled, fsynced in the same record as the event, and stored in the content log before the
 * event is stored in the audit log. So an event that says its content was logged has its content on
 * disk from the moment it is durable. Segments hold events' metadata and ciphertext, never plaintext.
 * The ciphertext waiting for the database is bounded in bytes ({@link ContentQueueBudget}).
 */
public final class AuditJournal implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AuditJournal.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long SEGMENT_BYTES = 32L * 1024 * 1024;
    private static final int MAX_SHIP_BATCH = 2_000;
    private static final int HEADER_BYTES = 8;

    private final Path directory;
    private final Consumer<List<AuditEvent>> store;
    private final Consumer<List<EncryptedContent>> storeContent;
    private final ContentQueueBudget contentBudget;
    private final Duration retryDelay;
    private final Semaphore room;
    private final int capacity;
    private final BlockingQueue<Pending> toCommit = new LinkedBlockingQueue<>();
    private final BlockingQueue<Committed> toShip = new LinkedBlockingQueue<>();
    private final Deque<ClosedSegment> closedSegments = new ArrayDeque<>();
    private final AtomicLong committedSequence = new AtomicLong();
    private final AtomicLong shippedSequence = new AtomicLong();
    private final AtomicLong fsyncs = new AtomicLong();
    private final Thread committer;
    private final Thread shipper;
    private FileChannel segment;
    private Path segmentPath;
    private long segmentNumber;
    private volatile boolean closing;

    private record Pending(Entry entry, CompletableFuture<Void> durable) {
    }

    private record Committed(long sequence, Entry entry) {
    }

    /** One journal record: an event, and the sealed content of its call when that is logged. */
    private record Entry(AuditEvent event, EncryptedContent content) {

        long contentBytes() {
            return content == null ? 0 : (long) content.promptCiphertext().length + content.completionCiphertext().length;
        }
    }

    private record ClosedSegment(Path path, long lastSequence) {
    }

    /** Raised when the journal holds {@code capacity} events not yet stored, or is closing. */
    public static final class JournalFullException extends RuntimeException {
        JournalFullException(String message) {
            super(message);
        }
    }

    private AuditJournal(Path directory, int capacity, Consumer<List<AuditEvent>> store, ContentQueueBudget contentBudget,
                         Consumer<List<EncryptedContent>> storeContent, Duration retryDelay) {
        this.directory = directory;
        this.capacity = capacity;
        this.room = new Semaphore(capacity);
        this.store = store;
        this.contentBudget = contentBudget;
        this.storeContent = storeContent;
        this.retryDelay = retryDelay;
        this.committer = new Thread(this::commitLoop, "gatehouse-audit-journal-commit");
        this.shipper = new Thread(this::shipLoop, "gatehouse-audit-journal-ship");
        committer.setDaemon(true);
        shipper.setDaemon(true);
    }

    /** A journal of events only: it takes no content ({@link #tryReserveContent} is always false). */
    public static AuditJournal open(Path directory, int capacity, Consumer<List<AuditEvent>> store, Duration retryDelay) {
        return open(directory, capacity, store, null, content -> {
            throw new IllegalStateException("this journal was opened for events only, yet holds content");
        }, retryDelay);
    }

    /**
     * Opens the journal in {@code directory}: first stores whatever a previous process left in it
     * (content first, then events; waiting, with retries, until the stores accept them), then starts
     * accepting events, and content within {@code contentBudget}.
     */
    public static AuditJournal open(Path directory, int capacity, Consumer<List<AuditEvent>> store, ContentQueueBudget contentBudget,
                                    Consumer<List<EncryptedContent>> storeContent, Duration retryDelay) {
        AuditJournal journal = new AuditJournal(directory, capacity, store, contentBudget, storeContent, retryDelay);
        try {
            Files.createDirectories(directory);
            journal.recover();
            journal.startSegment();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the audit journal in " + directory, e);
        }
        journal.committer.start();
        journal.shipper.start();
        return journal;
    }

    /** Takes room for one event, which {@link #appendReserved} later uses; false when the journal is full. */
    public boolean tryReserve() {
        return !closing && room.tryAcquire();
    }

    /** Gives back room taken by {@link #tryReserve()} and not used. */
    public void cancelReservation() {
        room.release();
    }

    /**
     * Takes room for the sealed content of one call, {@code bytes} of ciphertext, which
     * {@link #appendReserved(AuditEvent, EncryptedContent)} later uses; false when the content
     * waiting for the database holds its budget already.
     */
    public boolean tryReserveContent(long bytes) {
        return contentBudget != null && !closing && contentBudget.tryTake(bytes);
    }

    /** Journals an event for which room was reserved; the future completes once it is fsynced. */
    public CompletableFuture<Void> appendReserved(AuditEvent event) {
        return appendReserved(event, null);
    }

    /**
     * Journals an event, with its call's sealed content (room for both reserved, or null for none): the
     * future completes once both are fsynced, in one record.
     */
    public CompletableFuture<Void> appendReserved(AuditEvent event, EncryptedContent content) {
        Entry entry = new Entry(Objects.requireNonNull(event, "event"), content);
        CompletableFuture<Void> durable = new CompletableFuture<>();
        if (closing) {
            release(List.of(entry));
            durable.completeExceptionally(new JournalFullException("the audit journal is closing"));
            return durable;
        }
        toCommit.add(new Pending(entry, durable));
        return durable;
    }

    /** Gives back the room of entries stored (or never journaled): one event each, and their content's bytes. */
    private void release(List<Entry> entries) {
        room.release(entries.size());
        long bytes = entries.stream().mapToLong(Entry::contentBytes).sum();
        if (bytes > 0) {
            contentBudget.release(bytes);
        }
    }

    /** Reserves and journals; a full journal fails the future with {@link JournalFullException}. */
    public CompletableFuture<Void> append(AuditEvent event) {
        if (!tryReserve()) {
            return CompletableFuture.failedFuture(new JournalFullException(
                    "the audit journal holds " + capacity + " records the audit log has not stored yet"));
        }
        return appendReserved(event);
    }

    /** Events journaled (or reserved) and not yet stored in the audit log. */
    public int unstored() {
        return capacity - room.availablePermits();
    }

    public long fsyncCount() {
        return fsyncs.get();
    }

    /** Waits until every event journaled so far is stored, or the timeout passes; returns whether it was. */
    public boolean flush(Duration timeout) throws InterruptedException {
        long target = committedSequence.get() + toCommit.size();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (shippedSequence.get() < target || !toCommit.isEmpty()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(2);
            target = Math.max(target, committedSequence.get());
        }
        return true;
    }

    private void commitLoop() {
        List<Pending> batch = new ArrayList<>();
        while (!(closing && toCommit.isEmpty())) {
            try {
                Pending first = toCommit.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                toCommit.drainTo(batch);
                commit(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (IOException | RuntimeException e) {
                LOG.error("audit journal cannot write to {}: {} calls refused", directory, batch.size(), e);
                release(batch.stream().map(Pending::entry).toList());
                for (Pending pending : batch) {
                    pending.durable().completeExceptionally(e);
                }
            }
            batch.clear();
        }
    }

    private void commit(List<Pending> batch) throws IOException {
        List<byte[]> encoded = new ArrayList<>(batch.size());
        int bytes = 0;
        for (Pending pending : batch) {
            byte[] record = encode(pending.entry());
            encoded.add(record);
            bytes += HEADER_BYTES + record.length;
        }
        if (segment.size() + bytes > SEGMENT_BYTES && segment.size() > 0) {
            rollSegment();
        }
        ByteBuffer buffer = ByteBuffer.allocate(bytes);
        for (byte[] record : encoded) {
            CRC32C crc = new CRC32C();
            crc.update(record);
            buffer.putInt(record.length).putInt((int) crc.getValue()).put(record);
        }
        buffer.flip();
        while (buffer.hasRemaining()) {
            segment.write(buffer);
        }
        segment.force(false);
        fsyncs.incrementAndGet();
        for (Pending pending : batch) {
            long sequence = committedSequence.incrementAndGet();
            toShip.add(new Committed(sequence, pending.entry()));
            pending.durable().complete(null);
        }
    }

    private void shipLoop() {
        List<Committed> batch = new ArrayList<>();
        while (!(closing && toShip.isEmpty() && toCommit.isEmpty() && !committer.isAlive())) {
            try {
                Committed first = toShip.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                toShip.drainTo(batch, MAX_SHIP_BATCH - 1);
                List<Entry> entries = batch.stream().map(Committed::entry).toList();
                storeUntilStored(entries);
                release(entries);
                shippedSequence.set(batch.get(batch.size() - 1).sequence());
                deleteShippedSegments();
                batch.clear();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Stores the entries' content, then their events: an event in the audit log always has its content stored. */
    private void storeUntilStored(List<Entry> entries) throws InterruptedException {
        List<EncryptedContent> contents = entries.stream().map(Entry::content).filter(Objects::nonNull).toList();
        if (!contents.isEmpty()) {
            storeUntilStored(storeContent, contents);
        }
        storeUntilStored(store, entries.stream().map(Entry::event).toList());
    }

    private <T> void storeUntilStored(Consumer<List<T>> into, List<T> records) throws InterruptedException {
        boolean failing = false;
        while (true) {
            try {
                into.accept(records);
                if (failing) {
                    LOG.info("audit log reachable again: {} journaled records stored", records.size());
                }
                return;
            } catch (RuntimeException e) {
                if (!failing) {
                    LOG.warn("audit log unreachable, {} records stay in the journal and are retried: {}", records.size(), e.toString());
                    failing = true;
                }
                Thread.sleep(retryDelay.toMillis());
            }
        }
    }

    private synchronized void deleteShippedSegments() {
        Iterator<ClosedSegment> segments = closedSegments.iterator();
        while (segments.hasNext()) {
            ClosedSegment closed = segments.next();
            if (closed.lastSequence() > shippedSequence.get()) {
                return;
            }
            try {
                Files.deleteIfExists(closed.path());
            } catch (IOException e) {
                LOG.warn("cannot delete the stored journal segment {}: {}", closed.path(), e.toString());
            }
            segments.remove();
        }
    }

    private void recover() throws IOException {
        List<Path> segments;
        try (Stream<Path> files = Files.list(directory)) {
            segments = files.filter(path -> path.getFileName().toString().matches("segment-\\d{12}\\.journal")).sorted().toList();
        }
        List<Entry> recovered = new ArrayList<>();
        for (Path path : segments) {
            recovered.addAll(readSegment(path));
            segmentNumber = Math.max(segmentNumber, Long.parseLong(path.getFileName().toString().substring(8, 20)));
        }
        if (!recovered.isEmpty()) {
            LOG.info("audit journal: storing {} records left by the previous process", recovered.size());
            try {
                for (int start = 0; start < recovered.size(); start += MAX_SHIP_BATCH) {
                    storeUntilStored(recovered.subList(start, Math.min(recovered.size(), start + MAX_SHIP_BATCH)));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while storing the journal's records");
            }
        }
        for (Path path : segments) {
            Files.delete(path);
        }
    }

    /** The segment's intact records; a torn last record (the crash came mid-write) is cut off. */
    private static List<Entry> readSegment(Path path) throws IOException {
        List<Entry> entries = new ArrayList<>();
        ByteBuffer content = ByteBuffer.wrap(Files.readAllBytes(path));
        while (content.remaining() >= HEADER_BYTES) {
            int length = content.getInt();
            int checksum = content.getInt();
            if (length <= 0 || length > content.remaining()) {
                break;
            }
            byte[] record = new byte[length];
            content.get(record);
            CRC32C crc = new CRC32C();
            crc.update(record);
            if ((int) crc.getValue() != checksum) {
                break;
            }
            entries.add(decode(record));
        }
        return entries;
    }

    private void startSegment() throws IOException {
        segmentNumber++;
        segmentPath = directory.resolve("segment-%012d.journal".formatted(segmentNumber));
        segment = FileChannel.open(segmentPath, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        try (FileChannel directoryEntry = FileChannel.open(directory, StandardOpenOption.READ)) {
            directoryEntry.force(true);
        } catch (IOException directoriesCannotBeSynced) {
            // not every file system lets a directory be opened; the segment's own fsync still holds its records
        }
    }

    private synchronized void rollSegment() throws IOException {
        segment.close();
        closedSegments.add(new ClosedSegment(segmentPath, committedSequence.get()));
        startSegment();
    }

    /** An event alone is its canonical JSON; with content, {@code {"content": {...}, "event": <canonical JSON>}}. */
    private static byte[] encode(Entry entry) {
        String event = AuditLog.canonicalJson(entry.event());
        if (entry.content() == null) {
            return event.getBytes(StandardCharsets.UTF_8);
        }
        EncryptedContent content = entry.content();
        ObjectNode sealed = JSON.createObjectNode()
                .put("call_id", content.callId())
                .put("request_id", content.requestId())
                .put("tenant_id", content.tenantId().toString())
                .put("recorded_at", content.recordedAt().toString())
                .put("expires_at", content.expiresAt().toString())
                .put("prompt", Base64.getEncoder().encodeToString(content.promptCiphertext()))
                .put("completion", Base64.getEncoder().encodeToString(content.completionCiphertext()));
        return ("{\"content\":" + sealed + ",\"event\":" + event + "}").getBytes(StandardCharsets.UTF_8);
    }

    private static Entry decode(byte[] record) throws IOException {
        JsonNode json = JSON.readTree(record);
        if (!json.has("event")) {
            return new Entry(decodeEvent(json), null);
        }
        JsonNode sealed = json.path("content");
        return new Entry(decodeEvent(json.path("event")), new EncryptedContent(sealed.path("call_id").asText(),
                sealed.path("request_id").asText(), UUID.fromString(sealed.path("tenant_id").asText()),
                Instant.parse(sealed.path("recorded_at").asText()), Instant.parse(sealed.path("expires_at").asText()),
                Base64.getDecoder().decode(sealed.path("prompt").asText()), Base64.getDecoder().decode(sealed.path("completion").asText())));
    }

    private static AuditEvent decodeEvent(JsonNode json) {
        Map<String, Object> facts = new LinkedHashMap<>();
        json.path("facts").properties().forEach(fact -> facts.put(fact.getKey(), plain(fact.getValue())));
        return new AuditEvent(json.path("record_id").asText(), json.path("request_id").isNull() ? null : json.path("request_id").asText(),
                json.path("tenant_id").isNull() ? null : UUID.fromString(json.path("tenant_id").asText()),
                Instant.parse(json.path("occurred_at").asText()), json.path("action").asText(), facts);
    }

    private static Object plain(JsonNode value) {
        if (value.isBoolean()) {
            return value.booleanValue();
        }
        if (value.isIntegralNumber()) {
            return value.longValue();
        }
        if (value.isNumber()) {
            return value.doubleValue();
        }
        return value.isNull() ? null : value.asText();
    }

    /**
     * Stops accepting events, commits those waiting, and gives the shipper up to {@code timeout} to
     * store the rest; what it cannot store stays in the journal for the next start, and is counted in
     * the log.
     */
    public void close(Duration timeout) throws InterruptedException {
        closing = true;
        committer.join(timeout.toMillis());
        boolean stored = flush(timeout);
        shipper.interrupt();
        shipper.join(1_000);
        try {
            segment.close();
        } catch (IOException e) {
            LOG.warn("cannot close the journal segment {}: {}", segmentPath, e.toString());
        }
        long left = committedSequence.get() - shippedSequence.get();
        if (!stored && left > 0) {
            LOG.warn("audit journal closed with {} records not yet in the audit log; they stay in {} and are stored at the next start",
                    left, directory);
        } else {
            deleteAll();
        }
    }

    private void deleteAll() {
        try (Stream<Path> files = Files.list(directory)) {
            for (Path path : files.filter(file -> file.getFileName().toString().endsWith(".journal")).toList()) {
                Files.delete(path);
            }
        } catch (IOException e) {
            LOG.warn("cannot delete the stored journal segments in {}: {}", directory, e.toString());
        }
    }

    @Override
    public void close() throws InterruptedException {
        close(Duration.ofSeconds(10));
    }
}
