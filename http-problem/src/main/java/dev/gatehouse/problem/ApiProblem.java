package dev.gatehouse.problem;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * An error meant for the caller: its type and a detail that is safe to show (no secrets, no
 * payloads, nothing of another tenant). Thrown or emitted as a Reactor error anywhere in request
 * handling; {@link ProblemExceptionHandler} renders it.
 */
public final class ApiProblem extends RuntimeException {

    private final ProblemType type;
    private final String param;
    private final Map<String, Object> extensions;
    private final Duration retryAfter;

    public ApiProblem(ProblemType type, String detail) {
        this(type, detail, null);
    }

    public ApiProblem(ProblemType type, String detail, String param) {
        this(type, detail, param, Map.of());
    }

    private ApiProblem(ProblemType type, String detail, String param, Map<String, Object> extensions) {
        this(type, detail, param, extensions, null);
    }

    private ApiProblem(ProblemType type, String detail, String param, Map<String, Object> extensions, Duration retryAfter) {
        super(Objects.requireNonNull(detail, "detail"), null, false, false);
        this.type = Objects.requireNonNull(type, "type");
        this.param = param;
        this.extensions = Map.copyOf(extensions);
        this.retryAfter = retryAfter;
    }

    /** The same problem, telling the caller when to try again (a {@code Retry-After} header, in whole seconds, rounded up). */
    public ApiProblem retryAfter(Duration wait) {
        return new ApiProblem(type, detail(), param, extensions, Objects.requireNonNull(wait, "wait"));
    }

    /** When the caller may try again; null when the problem says nothing about it. */
    public Duration retryAfter() {
        return retryAfter;
    }

    /**
     * The same problem with an extension member (RFC 9457 section 3.2), e.g. the reasons of a policy
     * refusal. The value must be plain data that serialises to JSON.
     */
    public ApiProblem with(String member, Object value) {
        Map<String, Object> more = new java.util.LinkedHashMap<>(extensions);
        more.put(member, value);
        return new ApiProblem(type, detail(), param, more, retryAfter);
    }

    public Map<String, Object> extensions() {
        return extensions;
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
