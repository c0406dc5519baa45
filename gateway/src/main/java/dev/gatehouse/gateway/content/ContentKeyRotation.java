package dev.gatehouse.gateway.content;

import dev.gatehouse.audit.ContentLog;
import dev.gatehouse.crypto.TenantCipher;
import dev.gatehouse.crypto.TenantId;

import java.util.UUID;

/**
 * Rotates a tenant's key-encryption key and then moves every stored content record's data keys to
 * the new version (rewrap): the payload ciphertext is untouched and never decrypted, so rotation
 * needs no plaintext anywhere.
 */
public final class ContentKeyRotation {

    private final TenantCipher cipher;
    private final ContentLog contentLog;

    public ContentKeyRotation(TenantCipher cipher, ContentLog contentLog) {
        this.cipher = cipher;
        this.contentLog = contentLog;
    }

    public record Result(int keyVersion, int rewrappedRecords) {
    }

    public Result rotate(UUID tenantId) {
        TenantId tenant = TenantId.of(tenantId.toString());
        int version = cipher.rotateTenantKey(tenant);
        int rewrapped = contentLog.rewriteCiphertexts(tenantId, ciphertext ->
                TenantCipher.keyVersionOf(ciphertext) == version ? ciphertext : cipher.rewrap(tenant, ciphertext));
        return new Result(version, rewrapped);
    }
}
