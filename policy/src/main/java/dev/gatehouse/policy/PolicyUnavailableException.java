package dev.gatehouse.policy;

/**
 * No decision could be obtained; the caller must fail closed (the gateway answers 503). The message
 * names the cause but never carries the decision input.
 */
public final class PolicyUnavailableException extends RuntimeException {

    /** Stable machine codes, safe to expose in error responses and metrics. */
    public enum Code {
        /** The decision point cannot be reached or answered with an HTTP error. */
        POLICY_UNAVAILABLE,
        /** The decision point did not answer within the configured timeout. */
        POLICY_TIMEOUT,
        /** The evaluation itself failed (for example a Wasm trap). */
        POLICY_EVALUATION_FAILED,
        /** The decision point answered, but not with a well-formed decision. */
        POLICY_RESULT_INVALID
    }

    private final Code code;

    PolicyUnavailableException(Code code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    PolicyUnavailableException(Code code, String message) {
        this(code, message, null);
    }

    public Code code() {
        return code;
    }

    @Override
    public String getMessage() {
        return code + ": " + super.getMessage();
    }
}
