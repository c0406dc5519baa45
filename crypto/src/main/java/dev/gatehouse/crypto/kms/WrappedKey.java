package dev.gatehouse.crypto.kms;

import java.util.Arrays;

/**
 * A data key encrypted under one version of a tenant's key-encryption key (KEK). Opaque to everyone but
 * the {@link KeyManagementService} that produced it.
 *
 * @param kekId      the name of the KEK in its key service
 * @param kekVersion the KEK version that wrapped the data key (1 for a new key, +1 per rotation)
 * @param ciphertext the wrapped key bytes, in the key service's own format
 */
public record WrappedKey(String kekId, int kekVersion, byte[] ciphertext) {

    public WrappedKey {
        if (kekId == null || kekId.isEmpty() || kekVersion < 1 || ciphertext == null || ciphertext.length == 0) {
            throw new IllegalArgumentException("wrapped key needs a KEK id, a positive version and ciphertext");
        }
        ciphertext = ciphertext.clone();
    }

    @Override
    public byte[] ciphertext() {
        return ciphertext.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof WrappedKey that && kekId.equals(that.kekId) && kekVersion == that.kekVersion
                && Arrays.equals(ciphertext, that.ciphertext);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * kekId.hashCode() + kekVersion) + Arrays.hashCode(ciphertext);
    }

    @Override
    public String toString() {
        return "WrappedKey[" + kekId + " v" + kekVersion + "]";
    }
}
