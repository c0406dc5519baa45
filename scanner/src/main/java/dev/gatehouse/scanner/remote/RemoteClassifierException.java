package dev.gatehouse.scanner.remote;

/** A remote classifier call that gave no logits, with what went wrong; the message never holds scanned text. */
public final class RemoteClassifierException extends RuntimeException {

    public enum Failure {
        /** No connection could be made. */
        CONNECT,
        /** No answer within the timeout. */
        TIMEOUT,
        /** A 5xx answer. */
        SERVER_ERROR,
        /** An answer that is not the protocol's (not JSON, missing or mis-shaped output, another status). */
        MALFORMED_ANSWER,
        /** The server serves another model, or the same name with other weights. */
        WRONG_MODEL
    }

    private final Failure failure;

    public RemoteClassifierException(Failure failure, String message) {
        super(message, null, false, false);
        this.failure = failure;
    }

    public Failure failure() {
        return failure;
    }
}
