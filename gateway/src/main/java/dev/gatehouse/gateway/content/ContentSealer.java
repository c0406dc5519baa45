package dev.gatehouse.gateway.content;

import dev.gatehouse.audit.EncryptedContent;
import dev.gatehouse.crypto.EncryptionContext;
import dev.gatehouse.crypto.TenantCipher;
import dev.gatehouse.crypto.TenantId;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * Seals the content of calls whose policy decision obliges logging: prompt and completion are
 * encrypted with the tenant's own key (envelope encryption, bound to the call id and purpose), so
 * that only ciphertext is ever written anywhere. Keys are created when a tenant is provisioned,
 * never here, so that an erased tenant's key cannot come back: sealing for a tenant without a key
 * fails, as it does while the key service is unreachable.
 */
public final class ContentSealer {

    public static final String PROMPT_PURPOSE = "content-log/prompt";
    public static final String COMPLETION_PURPOSE = "content-log/completion";

    private final TenantCipher cipher;

    public ContentSealer(TenantCipher cipher) {
        this.cipher = cipher;
    }

    /** A call's content before sealing; it lives in memory only. {@code callId} is the gateway's id of the call. */
    public record PlainContent(String callId, String requestId, UUID tenantId, Instant recordedAt, int retentionDays, byte[] prompt, byte[] completion) {
    }

    /** The content encrypted with its tenant's key; throws {@link dev.gatehouse.crypto.CryptoException} when it cannot be. */
    public EncryptedContent seal(PlainContent content) {
        TenantId tenant = TenantId.of(content.tenantId().toString());
        return new EncryptedContent(content.callId(), content.requestId(), content.tenantId(), content.recordedAt(),
                content.recordedAt().plus(Duration.ofDays(content.retentionDays())),
                cipher.encrypt(tenant, content.prompt(), EncryptionContext.of(content.callId(), PROMPT_PURPOSE)),
                cipher.encrypt(tenant, content.completion(), EncryptionContext.of(content.callId(), COMPLETION_PURPOSE)));
    }
}
