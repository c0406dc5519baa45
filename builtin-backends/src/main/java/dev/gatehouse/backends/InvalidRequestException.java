package dev.gatehouse.backends;

/** The request is not one this backend can serve; the message is safe to show the caller. */
final class InvalidRequestException extends RuntimeException {

    InvalidRequestException(String message) {
        super(message, null, false, false);
    }
}
