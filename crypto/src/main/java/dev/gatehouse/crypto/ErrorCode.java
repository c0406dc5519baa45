package dev.gatehouse.crypto;

/** Stable, machine-readable reasons for a {@link CryptoException}. Never renamed once released. */
public enum ErrorCode {
    /** The ciphertext is truncated or its fields do not parse. */
    MALFORMED_CIPHERTEXT,
    /** The ciphertext was written in a format version or algorithm this library does not know. */
    UNSUPPORTED_CIPHERTEXT_FORMAT,
    /** Authentication failed: the ciphertext, its wrapped key or its context was altered, or it belongs to another tenant. */
    DECRYPTION_FAILED,
    /** The tenant has no key-encryption key (or not the version the ciphertext names). */
    KEY_NOT_FOUND,
    /** The tenant's key-encryption key was destroyed (crypto-shredded); its data can never be decrypted again. */
    KEY_DESTROYED,
    /** The key service cannot be reached or answered with a server error, and no cached key may be used. */
    KEY_SERVICE_UNAVAILABLE,
    /** The key service refused the request (authentication, permission or configuration). */
    KEY_SERVICE_REJECTED,
    /** The local keystore could not be read or written (wrong master secret, corrupt or unwritable file). */
    KEYSTORE_UNAVAILABLE,
    /** A signature does not verify against the published key it names. */
    SIGNATURE_INVALID,
    /** A signature names a key id that the verifier does not know. */
    SIGNING_KEY_UNKNOWN
}
