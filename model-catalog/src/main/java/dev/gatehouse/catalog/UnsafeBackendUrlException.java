package dev.gatehouse.catalog;

/** PLACEHOLDER until the SSRF guard lands. */
public final class UnsafeBackendUrlException extends RuntimeException {
    public UnsafeBackendUrlException(String message) {
        super(message);
    }
}
