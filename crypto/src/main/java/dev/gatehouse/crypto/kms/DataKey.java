package dev.gatehouse.crypto.kms;

import javax.crypto.SecretKey;

/**
 * A freshly generated AES-256 data key: the plaintext key to encrypt with (kept only in memory) and the same
 * key wrapped by the tenant's KEK (stored beside the ciphertext).
 */
public record DataKey(SecretKey key, WrappedKey wrapped) {

    @Override
    public String toString() {
        return "DataKey[" + wrapped + "]";
    }
}
