package dev.gatehouse.gateway.content;

import dev.gatehouse.audit.EncryptedContent;
import dev.gatehouse.crypto.CryptoException;
import dev.gatehouse.crypto.EncryptionContext;
import dev.gatehouse.crypto.KeyCachePolicy;
import dev.gatehouse.crypto.TenantCipher;
import dev.gatehouse.crypto.TenantId;
import dev.gatehouse.crypto.keystore.MasterSecret;
import dev.gatehouse.crypto.kms.LocalKeystoreKms;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ContentSealerTest {

    private static final Instant NOW = Instant.parse("2026-11-27T12:00:00Z");

    @TempDir
    Path keys;

    private TenantCipher cipher;
    private ContentSealer sealer;
    private UUID tenant;

    @BeforeEach
    void tenantWithKey() {
        cipher = TenantCipher.create(LocalKeystoreKms.open(keys.resolve("keks.bcfks"), MasterSecret.of("test master secret".toCharArray())),
                KeyCachePolicy.defaults());
        sealer = new ContentSealer(cipher);
        tenant = UUID.randomUUID();
        cipher.createTenantKey(TenantId.of(tenant.toString()));
    }

    @Test
    void sealsToCiphertextThatTheTenantKeyOpensForThatCallOnly() {
        EncryptedContent stored = sealer.seal(content("call-1", tenant, "the prompt"));

        assertThat(new String(stored.promptCiphertext(), StandardCharsets.ISO_8859_1)).doesNotContain("the prompt");
        assertThat(open(stored.promptCiphertext(), "call-1", ContentSealer.PROMPT_PURPOSE)).isEqualTo("the prompt");
        assertThat(stored.expiresAt()).isEqualTo(NOW.plus(java.time.Duration.ofDays(7)));
        assertThatThrownBy(() -> open(stored.promptCiphertext(), "call-2", ContentSealer.PROMPT_PURPOSE)).isInstanceOf(CryptoException.class);
    }

    @Test
    void refusesToSealForATenantWithoutKeyRatherThanLeaveItInTheClear() {
        UUID tenantWithoutKey = UUID.randomUUID();

        assertThatThrownBy(() -> sealer.seal(content("call-2", tenantWithoutKey, "secret prompt")))
                .isInstanceOf(CryptoException.class);
    }

    private String open(byte[] ciphertext, String callId, String purpose) {
        return new String(cipher.decrypt(TenantId.of(tenant.toString()), ciphertext, EncryptionContext.of(callId, purpose)),
                StandardCharsets.UTF_8);
    }

    private static ContentSealer.PlainContent content(String callId, UUID tenantId, String prompt) {
        return new ContentSealer.PlainContent(callId, "caller-request", tenantId, NOW, 7, prompt.getBytes(StandardCharsets.UTF_8),
                "the answer".getBytes(StandardCharsets.UTF_8));
    }
}
