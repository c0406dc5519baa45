package dev.gatehouse.gateway.content;

import dev.gatehouse.audit.ContentLog;
import dev.gatehouse.audit.EncryptedContent;
import dev.gatehouse.crypto.CryptoException;
import dev.gatehouse.crypto.EncryptionContext;
import dev.gatehouse.crypto.ErrorCode;
import dev.gatehouse.crypto.TenantCipher;
import dev.gatehouse.crypto.TenantId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Seals the content of calls whose policy decision obliges logging: prompt and completion are
 * encrypted with the tenant's own key (envelope encryption, bound to the call id and purpose)
 * and only the ciphertext is stored. While the key service is unreachable a batch is retried and
 * its plaintext stays in memory; content of a tenant without a key (not provisioned, or erased and
 * its key destroyed) is discarded, never written in the clear. Keys are created when a tenant is
 * provisioned, never here, so that an erased tenant's key cannot come back.
 */
public final class ContentRecorder {

    public static final String PROMPT_PURPOSE = "content-log/prompt";
    public static final String COMPLETION_PURPOSE = "content-log/completion";
    private static final Logger LOG = LoggerFactory.getLogger(ContentRecorder.class);

    private final TenantCipher cipher;
    private final ContentLog log;

    public ContentRecorder(TenantCipher cipher, ContentLog log) {
        this.cipher = cipher;
        this.log = log;
    }

    /** Content waiting to be sealed, keyed by the gateway's call id; it lives in memory only. */
    public record PlainContent(String callId, String requestId, UUID tenantId, Instant recordedAt, int retentionDays, byte[] prompt, byte[] completion) {
    }

    /** Encrypts and stores a batch; throws (for a retry) only when the key service is unavailable. */
    public void seal(List<PlainContent> batch) {
        List<EncryptedContent> sealed = new ArrayList<>(batch.size());
        for (PlainContent content : batch) {
            TenantId tenant = TenantId.of(content.tenantId().toString());
            try {
                sealed.add(new EncryptedContent(content.callId(), content.requestId(), content.tenantId(), content.recordedAt(),
                        content.recordedAt().plus(Duration.ofDays(content.retentionDays())),
                        cipher.encrypt(tenant, content.prompt(), EncryptionContext.of(content.callId(), PROMPT_PURPOSE)),
                        cipher.encrypt(tenant, content.completion(), EncryptionContext.of(content.callId(), COMPLETION_PURPOSE))));
            } catch (CryptoException e) {
                if (e.code() == ErrorCode.KEY_SERVICE_UNAVAILABLE) {
                    throw e;
                }
                LOG.warn("content of call {} discarded, not stored: {}", content.callId(), e.code());
            }
        }
        log.store(sealed);
    }
}
