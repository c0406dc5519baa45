package dev.gatehouse.gateway.routing;

/**
 * One backend a call was sent to (of the requested model or of a fallback), and how that went: {@code answered} (the answer that reached
 * the caller, whatever its status), or the failure that moved the call on ({@code connect_failed},
 * {@code timed_out}, {@code server_error}, {@code throttled}).
 */
public record BackendAttempt(String modelId, String backendId, String region, String outcome) {
}
