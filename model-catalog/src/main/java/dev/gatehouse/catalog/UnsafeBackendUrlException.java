package dev.gatehouse.catalog;

/**
 * A backend URL that the platform must not call, e.g. because it points into the platform's own
 * network. The message is written for the publisher who registered the URL and never repeats
 * credentials the URL may carry.
 */
public final class UnsafeBackendUrlException extends RuntimeException {

    public UnsafeBackendUrlException(String message) {
        super(message, null, false, false);
    }
}
