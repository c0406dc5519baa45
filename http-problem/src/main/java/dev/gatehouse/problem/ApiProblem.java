package dev.gatehouse.problem;

import java.util.Objects;

/**
 * An error meant for the caller: its type and a detail that is safe to show (no secrets, no
 * payloads, nothing of another tenant). Thrown or emitted as a Reactor error anywhere in request
 * handling; {@link ProblemExceptionHandler} renders it.
 */
public final class ApiProblem extends RuntimeException {

    private final ProblemType type;
    private final String param;

    public ApiProblem(ProblemType type, String detail) {
        this(type, detail, null);
    }

    public ApiProblem(ProblemType type, String detail, String param) {
        super(Objects.requireNonNull(detail, "detail"), null, false, false);
        this.type = Objects.requireNonNull(type, "type");
        this.param = param;
    }

    public ProblemType type() {
        return type;
    }

    public String detail() {
        return getMessage();
    }

    /** The request field the problem is about, when there is one (OpenAI's {@code error.param}). */
    public String param() {
        return param;
    }
}
