package dev.gatehouse.crypto.kms;

import dev.gatehouse.crypto.CryptoException;
import dev.gatehouse.crypto.TenantId;
import javax.crypto.SecretKey;

/**
 * Holds one key-encryption key (KEK) per tenant and wraps, unwraps and rewraps data keys with it. KEK
 * material never leaves the implementation. Every method throws {@link CryptoException} with a stable
 * {@link dev.gatehouse.crypto.ErrorCode}; none ever returns plaintext payloads (it never sees them).
 *
 * <p>Applications use {@link dev.gatehouse.crypto.TenantCipher}; this interface is the seam for key services.
 */
public interface KeyManagementService {

    /** The KEK name for a tenant, as written into ciphertexts. */
    String keyId(TenantId tenant);

    /** Creates the tenant's KEK at version 1. Does nothing if it already exists. */
    void createKey(TenantId tenant);

    /** Generates a random AES-256 data key wrapped by the newest version of the tenant's KEK. */
    DataKey generateDataKey(TenantId tenant);

    /** Recovers a data key; fails with {@code KEY_DESTROYED} once the tenant's KEK has been destroyed. */
    SecretKey unwrapDataKey(TenantId tenant, WrappedKey wrapped);

    /** Re-encrypts a wrapped data key under the newest KEK version; the data key itself is unchanged. */
    WrappedKey rewrapDataKey(TenantId tenant, WrappedKey wrapped);

    /** Adds a new KEK version that wraps from now on; older versions still unwrap. Returns the new version. */
    int rotateKey(TenantId tenant);

    /** Irreversibly destroys every version of the tenant's KEK (crypto-shredding). */
    void destroyKey(TenantId tenant);
}
