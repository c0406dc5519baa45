package dev.gatehouse.audit;

import dev.gatehouse.testing.TestPostgres;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import static org.assertj.core.api.Assertions.assertThat;

class ContentLogTest {

    private static final Instant NOW = Instant.parse("2026-11-27T12:00:00Z");

    private final DataSource dataSource = TestPostgres.freshDatabase();
    private ContentLog log;

    @BeforeEach
    void migrate() {
        AuditLog.migrate(dataSource);
        log = new ContentLog(dataSource);
    }


    @Test
    void rewritesCiphertextsOfOneTenantOnly() {
        UUID acme = UUID.randomUUID();
        UUID globex = UUID.randomUUID();
        log.store(List.of(
                new EncryptedContent("a1", "req-a1", acme, NOW, NOW.plus(Duration.ofDays(1)), new byte[] {1}, new byte[] {2}),
                new EncryptedContent("g1", "req-g1", globex, NOW, NOW.plus(Duration.ofDays(1)), new byte[] {1}, new byte[] {2})));

        assertThat(log.rewriteCiphertexts(acme, bytes -> new byte[] {(byte) (bytes[0] + 10)})).isEqualTo(1);

        assertThat(log.find(acme, "a1").orElseThrow().promptCiphertext()).containsExactly(11);
        assertThat(log.find(globex, "g1").orElseThrow().promptCiphertext()).containsExactly(1);
    }

    @Test
    void keepsEveryCallOfARepeatedRequestIdAndFindsThemOnlyInTheirTenant() {
        UUID acme = UUID.randomUUID();
        UUID globex = UUID.randomUUID();
        log.store(List.of(
                new EncryptedContent("call-1", "same-request", acme, NOW, NOW.plus(Duration.ofDays(1)), new byte[] {1}, new byte[] {1}),
                new EncryptedContent("call-2", "same-request", acme, NOW.plusSeconds(1), NOW.plus(Duration.ofDays(1)), new byte[] {2}, new byte[] {2}),
                new EncryptedContent("call-3", "same-request", globex, NOW, NOW.plus(Duration.ofDays(1)), new byte[] {3}, new byte[] {3})));

        assertThat(log.findByRequestId(acme, "same-request")).extracting(EncryptedContent::callId).containsExactly("call-1", "call-2");
        assertThat(log.findByRequestId(globex, "same-request")).extracting(EncryptedContent::callId).containsExactly("call-3");
        assertThat(log.find(globex, "call-1")).isEmpty();
    }

    @Test
    void countsAndWritesOnlyTheRecordsTheRewriteChanges() {
        UUID acme = UUID.randomUUID();
        log.store(List.of(
                new EncryptedContent("current", "req-current", acme, NOW, NOW.plus(Duration.ofDays(1)), new byte[] {20}, new byte[] {20}),
                new EncryptedContent("outdated", "req-outdated", acme, NOW, NOW.plus(Duration.ofDays(1)), new byte[] {1}, new byte[] {2})));

        int rewritten = log.rewriteCiphertexts(acme, bytes -> bytes[0] >= 20 ? bytes.clone() : new byte[] {(byte) (bytes[0] + 20)});

        assertThat(rewritten).isEqualTo(1);
        assertThat(log.find(acme, "outdated").orElseThrow().completionCiphertext()).containsExactly(22);
    }

    @Test
    void leavesARecordThatAnotherWriterChangedMeanwhileAsThatWriterLeftIt() {
        UUID acme = UUID.randomUUID();
        log.store(List.of(new EncryptedContent("a1", "req-a1", acme, NOW, NOW.plus(Duration.ofDays(1)), new byte[] {1}, new byte[] {2})));

        int rewritten = log.rewriteCiphertexts(acme, bytes -> {
            JdbcClient.create(dataSource).sql("UPDATE audit.content_records SET prompt = '\\x63', completion = '\\x63'").update();
            return new byte[] {50};
        });

        assertThat(rewritten).isZero();
        assertThat(log.find(acme, "a1").orElseThrow().promptCiphertext()).containsExactly(0x63);
    }

    @Test
    void keepsCiphertextUntilItsRetentionEnds() {
        UUID tenant = UUID.randomUUID();
        log.store(List.of(
                new EncryptedContent("short", "req-short", tenant, NOW, NOW.plus(Duration.ofDays(1)), new byte[] {1}, new byte[] {2}),
                new EncryptedContent("long", "req-long", tenant, NOW, NOW.plus(Duration.ofDays(30)), new byte[] {3}, new byte[] {4})));

        assertThat(log.purgeExpired(NOW.plus(Duration.ofDays(2)))).isEqualTo(1);

        assertThat(log.find(tenant, "short")).isEmpty();
        assertThat(log.find(tenant, "long")).hasValueSatisfying(record -> assertThat(record.completionCiphertext()).containsExactly(4));
    }
}
