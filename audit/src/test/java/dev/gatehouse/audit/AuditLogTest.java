package dev.gatehouse.audit;

import dev.gatehouse.audit.tree.Checkpoint;
import dev.gatehouse.audit.tree.MerkleHashes;
import dev.gatehouse.audit.tree.ProofVerifier;
import dev.gatehouse.crypto.signing.Ed25519KeyRing;
import dev.gatehouse.testing.TestPostgres;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import static dev.gatehouse.audit.AuditTestLogs.call;
import static org.assertj.core.api.Assertions.assertThat;

class AuditLogTest {

    private static final UUID ACME = UUID.fromString("00000000-0000-0000-0000-0000000000aa");
    private static final UUID GLOBEX = UUID.fromString("00000000-0000-0000-0000-0000000000bb");

    @TempDir
    Path keys;

    private DataSource dataSource;
    private JdbcClient sql;
    private AuditLog log;
    private AuditCheckpoints checkpoints;

    @BeforeEach
    void freshLog() {
        dataSource = TestPostgres.freshDatabase();
        sql = JdbcClient.create(dataSource);
        log = AuditLog.migrate(dataSource);
        checkpoints = AuditTestLogs.checkpoints(log, AuditTestLogs.keyRing(keys));
    }

    @Test
    void eachTenantHasALogOfItsOwnWithConsecutiveIndexes() {
        log.append(List.of(call(ACME, "a1", Map.of("status", 200)), call(GLOBEX, "g1", Map.of()), call(ACME, "a2", Map.of())));

        assertThat(log.recordsOfCall("a2")).singleElement().satisfies(record -> {
            assertThat(record.logId()).isEqualTo(ACME);
            assertThat(record.index()).isEqualTo(1);
            assertThat(record.requestId()).isEqualTo("caller-request");
        });
        assertThat(log.recordsOfCall("g1")).singleElement().extracting(AuditRecord::index).isEqualTo(0L);
        assertThat(log.recordsOfCall("a1")).singleElement().satisfies(record ->
                assertThat(record.eventJson()).contains("\"status\":200").contains("\"record_id\":\"a1\""));
        assertThat(log.head(ACME).orElseThrow().size()).isEqualTo(2);
    }

    @Test
    void eventsOfNoTenantGoToThePlatformLog() {
        log.append(List.of(new AuditEvent("refused-1", "req", null, AuditTestLogs.NOON, "authentication_refused", Map.of("reason", "invalid_api_key"))));

        assertThat(log.recordsOfCall("refused-1")).singleElement().extracting(AuditRecord::logId).isEqualTo(AuditLog.PLATFORM_LOG);
    }

    @Test
    void recordsOfAnyTextAreStoredExactlyAsTheirLeafHashCoversThem() {
        String hostile = "quote \" comma , newline \n carriage \r backslash \\ \\x00ff tab \t NULL \\N \u00e9\u4e2d\ud83d\ude00";
        AuditEvent event = new AuditEvent("odd-" + hostile, null, ACME, Instant.parse("2026-11-01T10:15:30.123Z"), "model_call",
                Map.of("note", hostile));

        log.append(List.of(event));

        AuditRecord stored = log.record(ACME, 0).orElseThrow();
        assertThat(stored.recordId()).isEqualTo("odd-" + hostile);
        assertThat(stored.requestId()).isNull();
        assertThat(stored.recordedAt()).isEqualTo(Instant.parse("2026-11-01T10:15:30.123Z"));
        assertThat(stored.eventJson()).contains("\"note\":\"quote \\\" comma , newline \\n");
        assertThat(stored.leafHash()).isEqualTo(MerkleHashes.leaf(stored.eventJson().getBytes(StandardCharsets.UTF_8)));
        assertThat(checkpoints.findTampering(ACME)).isEmpty();
    }

    @Test
    void appendingARecordAgainAddsNothing() {
        log.append(List.of(call(ACME, "a1", Map.of()), call(ACME, "a2", Map.of())));

        assertThat(log.append(List.of(call(ACME, "a2", Map.of()), call(ACME, "a3", Map.of())))).isEqualTo(1);
        assertThat(log.head(ACME).orElseThrow().size()).isEqualTo(3);
        assertThat(checkpoints.findTampering(ACME)).isEmpty();
    }

    @Test
    void storedProofsVerifyAgainstTheSignedCheckpoint() {
        appendCalls(ACME, 23);
        Checkpoint signed = checkpoints.sign(ACME).orElseThrow().checkpoint();
        appendCalls(ACME, 23, 17);
        Checkpoint later = checkpoints.sign(ACME).orElseThrow().checkpoint();

        for (long index = 0; index < signed.size(); index++) {
            byte[] leaf = log.record(ACME, index).orElseThrow().leafHash();
            assertThat(ProofVerifier.verifyInclusion(index, signed.size(), leaf, log.proofs(ACME).inclusion(index, signed.size()), signed.root())).isTrue();
        }
        assertThat(ProofVerifier.verifyConsistency(signed.size(), later.size(), signed.root(), later.root(),
                log.proofs(ACME).consistency(signed.size(), later.size()))).isTrue();
    }

    @Test
    void checkpointsOfTenantsAreLeavesOfTheGlobalLog() {
        appendCalls(ACME, 3);
        appendCalls(GLOBEX, 2);

        assertThat(checkpoints.signGrownLogs()).isEqualTo(2);

        List<AuditRecord> global = new ArrayList<>();
        log.forEachRecord(AuditLog.GLOBAL_LOG, 0, 10, global::add);
        assertThat(global).extracting(AuditRecord::eventJson).anySatisfy(note -> assertThat(note).startsWith("gatehouse-audit/" + ACME + "\n3\n"))
                .anySatisfy(note -> assertThat(note).startsWith("gatehouse-audit/" + GLOBEX + "\n2\n"));
        assertThat(checkpoints.latest(AuditLog.GLOBAL_LOG).orElseThrow().checkpoint().size()).isEqualTo(2);
        assertThat(checkpoints.signGrownLogs()).isZero();
        assertThat(checkpoints.findTampering()).isEmpty();
    }

    @Test
    void theCadenceSignsABoundedNumberOfGrownLogsPerRunOldestCheckpointFirstUntilAllAreSigned() {
        List<UUID> tenants = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            UUID tenant = UUID.randomUUID();
            tenants.add(tenant);
            appendCalls(tenant, 1 + i);
        }

        assertThat(checkpoints.signGrownLogs(2)).isEqualTo(2);
        List<UUID> signedFirst = tenants.stream().filter(tenant -> checkpoints.latest(tenant).isPresent()).toList();
        assertThat(signedFirst).hasSize(2);
        signedFirst.forEach(tenant -> appendCalls(tenant, 100, 1));

        assertThat(checkpoints.signGrownLogs(2)).isEqualTo(2);
        assertThat(tenants.stream().filter(tenant -> checkpoints.latest(tenant).isEmpty()))
                .as("logs never checkpointed go before those that grew again").hasSize(1);
        assertThat(checkpoints.signGrownLogs(2)).isEqualTo(2);
        assertThat(checkpoints.signGrownLogs(2)).isEqualTo(1);
        assertThat(checkpoints.signGrownLogs(2)).isZero();

        for (UUID tenant : tenants) {
            assertThat(checkpoints.latest(tenant).orElseThrow().checkpoint().size()).isEqualTo(log.head(tenant).orElseThrow().size());
        }
        List<AuditRecord> global = new ArrayList<>();
        log.forEachRecord(AuditLog.GLOBAL_LOG, 0, 100, global::add);
        assertThat(global).as("one leaf per tenant checkpoint").hasSize(7);
        assertThat(checkpoints.latest(AuditLog.GLOBAL_LOG).orElseThrow().checkpoint().size()).isEqualTo(7);
        assertThat(checkpoints.findTampering()).isEmpty();
    }

    @Test
    void namesAModifiedRecord() {
        appendCalls(ACME, 5);
        checkpoints.sign(ACME);

        sql.sql("UPDATE audit.entries SET leaf = replace(leaf, '\"status\":200', '\"status\":403') WHERE log_id = :log AND idx = 2")
                .param("log", ACME).update();

        assertThat(checkpoints.findTampering(ACME)).containsExactly("log " + ACME + ": record 2 (call-2) was modified");
    }

    @Test
    void detectsARewrittenLogThroughItsSignedCheckpoint() {
        List<AuditEvent> events = appendCalls(ACME, 9);
        checkpoints.sign(ACME);

        events.set(4, call(ACME, "call-4", Map.of("status", 403)));
        rebuildLogFrom(ACME, events);

        assertThat(checkpoints.findTampering(ACME)).containsExactly(
                "log " + ACME + ": the records before index 9 do not match the checkpoint signed at that size");
    }

    @Test
    void detectsACutTail() {
        List<AuditEvent> events = appendCalls(ACME, 9);
        checkpoints.sign(ACME);

        rebuildLogFrom(ACME, events.subList(0, 7));

        assertThat(checkpoints.findTampering(ACME)).containsExactly(
                "log " + ACME + ": it has 7 records, fewer than its checkpoint of size 9 (the tail was cut)");
    }

    @Test
    void detectsADeletedRecord() {
        appendCalls(ACME, 6);
        checkpoints.sign(ACME);

        sql.sql("DELETE FROM audit.entries WHERE log_id = :log AND idx = 3").param("log", ACME).update();
        assertThat(checkpoints.findTampering(ACME)).contains("log " + ACME + ": record at index 3 is missing");
    }

    @Test
    void detectsARecordSlippedInBeyondTheHead() {
        appendCalls(ACME, 4);
        checkpoints.sign(ACME);

        sql.sql("INSERT INTO audit.entries SELECT log_id, idx + 4, record_id || '-forged', request_id, action, recorded_at, leaf, leaf_hash"
                + " FROM audit.entries WHERE log_id = :log AND idx = 3").param("log", ACME).update();

        assertThat(checkpoints.findTampering(ACME)).contains("log " + ACME + ": 1 records lie beyond its head (size 4)");
    }

    @Test
    void detectsReorderedRecords() {
        appendCalls(ACME, 6);
        checkpoints.sign(ACME);


        for (String move : List.of("idx = -1 WHERE idx = 0", "idx = 0 WHERE idx = 1", "idx = 1 WHERE idx = -1")) {
            sql.sql("UPDATE audit.entries SET " + move.replace("WHERE", "WHERE log_id = :log AND")).param("log", ACME).update();
        }
        assertThat(checkpoints.findTampering(ACME)).contains(
                "log " + ACME + ": the records before index 6 do not match the checkpoint signed at that size");
    }

    @Test
    void detectsAForgedCheckpoint() {
        appendCalls(ACME, 4);
        checkpoints.sign(ACME);

        sql.sql("UPDATE audit.checkpoints SET body = replace(body, E'\\n4\\n', E'\\n3\\n'), size = 3 WHERE log_id = :log").param("log", ACME).update();

        assertThat(checkpoints.findTampering(ACME)).singleElement().asString().contains("checkpoint of size 3 has a bad signature");
    }

    @Test
    void signaturesOfRotatedKeysStillVerify() {
        Ed25519KeyRing ring = AuditTestLogs.keyRing(keys);
        appendCalls(ACME, 2);
        checkpoints.sign(ACME);
        ring.rotate();
        AuditCheckpoints rotated = AuditTestLogs.checkpoints(log, ring);
        appendCalls(ACME, 2, 2);

        assertThat(rotated.sign(ACME).orElseThrow().signature().keyId()).isEqualTo(ring.activeKeyId());
        assertThat(rotated.findTampering(ACME)).isEmpty();
    }

    @Test
    void canonicalJsonIsIndependentOfFactOrder() {
        assertThat(AuditLog.canonicalJson(call(ACME, "c", Map.of("b", 1, "a", 2))))
                .isEqualTo(AuditLog.canonicalJson(call(ACME, "c", Map.of("a", 2, "b", 1))));
    }

    @Test
    void concurrentAppendersToManyTenantsKeepEveryLogWhole() throws InterruptedException {
        List<UUID> tenants = List.of(ACME, GLOBEX, UUID.randomUUID(), UUID.randomUUID());
        ExecutorService pool = Executors.newFixedThreadPool(8);
        for (int i = 0; i < 200; i++) {
            UUID tenant = tenants.get(i % tenants.size());
            String callId = "concurrent-" + i;
            pool.submit(() -> log.append(List.of(call(tenant, callId, Map.of()))));
        }
        pool.shutdown();
        assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();

        for (UUID tenant : tenants) {
            assertThat(log.head(tenant).orElseThrow().size()).isEqualTo(50);
            checkpoints.sign(tenant);
            assertThat(checkpoints.findTampering(tenant)).isEmpty();
        }
    }

    private List<AuditEvent> appendCalls(UUID tenant, int count) {
        return appendCalls(tenant, 0, count);
    }

    private List<AuditEvent> appendCalls(UUID tenant, int first, int count) {
        List<AuditEvent> events = new ArrayList<>();
        for (int i = first; i < first + count; i++) {
            events.add(call(tenant, "call-" + i, Map.of("status", 200)));
        }
        log.append(events);
        return events;
    }

    /** What someone with write access to the database can do: rebuild a log's records, hashes and head consistently. */
    private void rebuildLogFrom(UUID tenant, List<AuditEvent> events) {
        for (String table : List.of("entries", "nodes", "logs")) {
            sql.sql("DELETE FROM audit." + table + " WHERE log_id = :log").param("log", tenant).update();
        }
        log.append(events);
        assertThat(log.record(tenant, 0).orElseThrow().leafHash())
                .isEqualTo(MerkleHashes.leaf(AuditLog.canonicalJson(events.get(0)).getBytes(StandardCharsets.UTF_8)));
    }

}
