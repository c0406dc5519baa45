package dev.gatehouse.crypto;

/**
 * What a ciphertext is about: the record it is stored in and why it was written (for example
 * {@code audit-content}). Both are authenticated, not encrypted: decryption fails unless the caller
 * presents the same context, so a ciphertext cannot be moved to another record or purpose unnoticed.
 * Do not put personal data here.
 */
public record EncryptionContext(String recordId, String purpose) {

    public EncryptionContext {
        requireText(recordId, "recordId");
        requireText(purpose, "purpose");
    }

    public static EncryptionContext of(String recordId, String purpose) {
        return new EncryptionContext(recordId, purpose);
    }

    private static void requireText(String value, String name) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(name + " must not be empty");
        }
    }
}
