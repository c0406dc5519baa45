package dev.gatehouse.gateway.content;

import dev.gatehouse.audit.AuditLog;
import dev.gatehouse.audit.ContentLog;
import dev.gatehouse.audit.EncryptedContent;
import dev.gatehouse.crypto.EncryptionContext;
import dev.gatehouse.crypto.KeyCachePolicy;
import dev.gatehouse.crypto.TenantCipher;
import dev.gatehouse.crypto.TenantId;
import dev.gatehouse.crypto.keystore.MasterSecret;
import dev.gatehouse.crypto.kms.LocalKeystoreKms;
import dev.gatehouse.testing.TestPostgres;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import static org.assertj.core.api.Assertions.assertThat;

class ContentRecorderTest {

    private static final Instant NOW = Instant.parse("2026-11-27T12:00:00Z");

    @TempDir
    Path keys;

    private TenantCipher cipher;
    private ContentLog contentLog;
    private ContentRecorder recorder;
    private UUID tenant;

    @BeforeEach
    void tenantWithKey() {
        DataSource dataSource = TestPostgres.freshDatabase();
        AuditLog.migrate(dataSource);
        contentLog = new ContentLog(dataSource);
        cipher = TenantCipher.create(LocalKeystoreKms.open(keys.resolve("keks.bcfks"), MasterSecret.of("test master secret".toCharArray())),
                KeyCachePolicy.defaults());
        recorder = new ContentRecorder(cipher, contentLog);
        tenant = UUID.randomUUID();
        cipher.createTenantKey(TenantId.of(tenant.toString()));
    }

    @Test
    void storesOnlyCiphertextThatTheTenantKeyOpensForThatCall() {
        recorder.seal(List.of(content("call-1", tenant, "the prompt")));

        EncryptedContent stored = contentLog.find(tenant, "call-1").orElseThrow();
        assertThat(new String(stored.promptCiphertext(), StandardCharsets.ISO_8859_1)).doesNotContain("the prompt");
        assertThat(open(stored.promptCiphertext(), "call-1", ContentRecorder.PROMPT_PURPOSE)).isEqualTo("the prompt");
        assertThat(stored.expiresAt()).isEqualTo(NOW.plus(java.time.Duration.ofDays(7)));
    }

    @Test
    void discardsContentOfATenantWithoutKeyInsteadOfStoringItInTheClear() {
        UUID tenantWithoutKey = UUID.randomUUID();
        recorder.seal(List.of(content("call-2", tenantWithoutKey, "secret prompt")));

        assertThat(contentLog.find(tenantWithoutKey, "call-2")).isEmpty();
    }

    private String open(byte[] ciphertext, String callId, String purpose) {
        return new String(cipher.decrypt(TenantId.of(tenant.toString()), ciphertext, EncryptionContext.of(callId, purpose)),
                StandardCharsets.UTF_8);
    }

    private static ContentRecorder.PlainContent content(String callId, UUID tenantId, String prompt) {
        return new ContentRecorder.PlainContent(callId, "caller-request", tenantId, NOW, 7, prompt.getBytes(StandardCharsets.UTF_8),
                "the answer".getBytes(StandardCharsets.UTF_8));
    }
}
