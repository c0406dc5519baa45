package dev.gatehouse.catalog;

import dev.gatehouse.crypto.CryptoException;
import dev.gatehouse.crypto.EncryptionContext;
import dev.gatehouse.crypto.TenantCipher;
import dev.gatehouse.crypto.TenantId;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Seals backends' secrets (upstream credentials, TLS client keys) under the platform's own key
 * with the tenants' envelope encryption; each ciphertext is bound to its backend and to what it
 * holds, so it cannot be moved to another backend unnoticed.
 */
public final class BackendSecrets {

    /** The key the platform seals its own secrets with, beside the tenants' keys. */
    public static final TenantId PLATFORM_KEY = TenantId.of("gatehouse-platform");
    static final String CREDENTIAL = "backend-credential";
    static final String CLIENT_KEY = "backend-tls-client-key";

    private final TenantCipher cipher;

    public BackendSecrets(TenantCipher cipher) {
        this.cipher = cipher;
        cipher.createTenantKey(PLATFORM_KEY);
    }

    byte[] seal(String backendId, String purpose, String secret) {
        return cipher.encrypt(PLATFORM_KEY, secret.getBytes(StandardCharsets.UTF_8), context(backendId, purpose));
    }

    /** Empty when this process cannot decrypt it (another key store, a destroyed key). */
    Optional<String> open(String backendId, String purpose, byte[] sealed) {
        try {
            return Optional.of(new String(cipher.decrypt(PLATFORM_KEY, sealed, context(backendId, purpose)), StandardCharsets.UTF_8));
        } catch (CryptoException e) {
            return Optional.empty();
        }
    }

    private static EncryptionContext context(String backendId, String purpose) {
        return EncryptionContext.of("catalog/backends/" + backendId, purpose);
    }
}
