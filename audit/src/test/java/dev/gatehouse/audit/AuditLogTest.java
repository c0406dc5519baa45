package dev.gatehouse.audit;

import dev.gatehouse.testing.TestPostgres;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AuditLogTest {

    private static final UUID TENANT = UUID.fromString("00000000-0000-0000-0000-0000000000aa");

    private DataSource dataSource;
    private AuditLog log;

    @BeforeEach
    void freshLog() {
        dataSource = TestPostgres.freshDatabase();
        log = AuditLog.migrate(dataSource);
    }

    @Test
    void keepsEventsInOrderWithTheirFacts() {
        log.append(List.of(event("r1", Map.of("model", "chat-simulator", "status", 200))));

        assertThat(log.recordsOfRequest("r1")).singleElement().satisfies(record -> {
            assertThat(record.seq()).isEqualTo(1);
            assertThat(record.tenantId()).isEqualTo(TENANT);
            assertThat(record.eventJson()).contains("\"model\":\"chat-simulator\"").contains("\"status\":200");
        });
    }

    @Test
    void intactLogHasNoBrokenLinks() {
        log.append(List.of(event("r1", Map.of()), event("r2", Map.of())));
        log.append(List.of(event("r3", Map.of())));

        assertThat(log.findBrokenLinks()).isEmpty();
    }

    @Test
    void detectsEditedEventAndEveryLinkAfterIt() {
        log.append(List.of(event("r1", Map.of("status", 200)), event("r2", Map.of("status", 200))));

        JdbcClient.create(dataSource).sql("UPDATE audit.records SET event = replace(event, '200', '403') WHERE seq = 1").update();

        assertThat(log.findBrokenLinks()).containsExactly(1L);
    }

    @Test
    void detectsDeletedRecord() {
        log.append(List.of(event("r1", Map.of()), event("r2", Map.of()), event("r3", Map.of())));

        JdbcClient.create(dataSource).sql("DELETE FROM audit.records WHERE seq = 2").update();

        assertThat(log.findBrokenLinks()).containsExactly(3L);
    }

    @Test
    void canonicalJsonIsIndependentOfFactOrder() {
        AuditEvent first = new AuditEvent("r", TENANT, Instant.EPOCH, "inference", Map.of("b", 1, "a", 2));
        AuditEvent second = new AuditEvent("r", TENANT, Instant.EPOCH, "inference", Map.of("a", 2, "b", 1));

        assertThat(AuditLog.canonicalJson(first)).isEqualTo(AuditLog.canonicalJson(second));
    }

    @Test
    void concurrentAppendersProduceOneUnbrokenChain() throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        for (int i = 0; i < 40; i++) {
            String requestId = "r" + i;
            pool.submit(() -> log.append(List.of(event(requestId, Map.of()))));
        }
        pool.shutdown();
        assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();

        assertThat(JdbcClient.create(dataSource).sql("SELECT count(*) FROM audit.records").query(Long.class).single()).isEqualTo(40);
        assertThat(log.findBrokenLinks()).isEmpty();
    }

    @Test
    void refusesEmptyAppend() {
        assertThatThrownBy(() -> log.append(List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    private static AuditEvent event(String requestId, Map<String, Object> facts) {
        return new AuditEvent(requestId, TENANT, Instant.parse("2026-11-27T12:00:00Z"), "inference", facts);
    }
}
