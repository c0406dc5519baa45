package dev.gatehouse.problem;

/**
 * Every error Gatehouse's HTTP APIs answer with, each with a stable code. The code is the last
 * segment of the problem's {@code type} URI and OpenAI's {@code error.code}; clients may branch
 * on it. The catalogue is documented in docs/errors.md.
 */
public enum ProblemType {
    MALFORMED_HTTP(400, "Malformed HTTP request", "invalid_request_error"),
    MALFORMED_JSON(400, "Malformed JSON", "invalid_request_error"),
    INVALID_REQUEST(400, "Invalid request", "invalid_request_error"),
    MISSING_MODEL(400, "Missing model", "invalid_request_error"),
    MODEL_ENDPOINT_MISMATCH(400, "Model does not serve this endpoint", "invalid_request_error"),
    UNSUPPORTED_PARAMETER(400, "Parameter cannot be served", "invalid_request_error"),
    RESPONSE_STORAGE_NOT_ALLOWED(400, "Response storage not allowed", "invalid_request_error"),
    PROMPT_INJECTION_BLOCKED(400, "Prompt injection blocked", "invalid_request_error"),
    MISSING_CREDENTIALS(401, "Missing credentials", "authentication_error"),
    INVALID_API_KEY(401, "Invalid API key", "authentication_error"),
    REVOKED_API_KEY(401, "Revoked API key", "authentication_error"),
    EXPIRED_API_KEY(401, "Expired API key", "authentication_error"),
    INVALID_ACCESS_TOKEN(401, "Invalid access token", "authentication_error"),
    BUDGET_EXHAUSTED(402, "Budget exhausted", "insufficient_quota"),
    TENANT_SUSPENDED(403, "Tenant suspended", "permission_error"),
    FORBIDDEN(403, "Forbidden", "permission_error"),
    POLICY_DENIED(403, "Refused by compliance policy", "permission_error"),
    NOT_FOUND(404, "Not found", "invalid_request_error"),
    MODEL_NOT_FOUND(404, "Model not found", "invalid_request_error"),
    METHOD_NOT_ALLOWED(405, "Method not allowed", "invalid_request_error"),
    NOT_ACCEPTABLE(406, "Not acceptable", "invalid_request_error"),
    CONFLICT(409, "Conflict", "invalid_request_error"),
    MODEL_RETIRED(410, "Model retired", "invalid_request_error"),
    PAYLOAD_TOO_LARGE(413, "Payload too large", "invalid_request_error"),
    URI_TOO_LONG(414, "URI too long", "invalid_request_error"),
    UNSUPPORTED_MEDIA_TYPE(415, "Unsupported media type", "invalid_request_error"),
    PERSONAL_DATA_UNREDACTABLE(422, "Personal data cannot be redacted", "invalid_request_error"),
    RATE_LIMIT_EXCEEDED(429, "Rate limit exceeded", "rate_limit_error"),
    HEADERS_TOO_LARGE(431, "Request header fields too large", "invalid_request_error"),
    INTERNAL_ERROR(500, "Internal error", "server_error"),
    BACKEND_UNAVAILABLE(502, "Backend unavailable", "server_error"),
    NO_HEALTHY_BACKEND(503, "No healthy backend", "server_error"),
    CAPACITY_EXHAUSTED(503, "Backends at capacity", "server_error"),
    GATEWAY_OVERLOADED(503, "Gateway overloaded", "server_error"),
    POLICY_UNAVAILABLE(503, "Policy decision unavailable", "server_error"),
    IDENTITY_PROVIDER_UNAVAILABLE(503, "Identity provider unavailable", "server_error"),
    DATABASE_UNAVAILABLE(503, "Database unavailable", "server_error"),
    KEY_SERVICE_UNAVAILABLE(503, "Key service unavailable", "server_error"),
    AUDIT_UNAVAILABLE(503, "Audit log unavailable", "server_error"),
    CONTENT_LOG_UNAVAILABLE(503, "Content log unavailable", "server_error"),
    LIMITS_UNAVAILABLE(503, "Limits unavailable", "server_error"),
    BACKEND_TIMEOUT(504, "Backend timeout", "server_error");

    private static final String TYPE_BASE = "https://gatehouse.dev/problems/";

    private final int status;
    private final String title;
    private final String openAiType;

    ProblemType(int status, String title, String openAiType) {
        this.status = status;
        this.title = title;
        this.openAiType = openAiType;
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    /** OpenAI's error category, which its SDKs map to exception classes. */
    public String openAiType() {
        return openAiType;
    }

    public String code() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public String typeUri() {
        return TYPE_BASE + code().replace('_', '-');
    }
}
