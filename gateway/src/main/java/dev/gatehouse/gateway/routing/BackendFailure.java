package dev.gatehouse.gateway.routing;

/** How a call to a backend went wrong, as far as the backend's health is concerned. */
public enum BackendFailure {
    /** The connection could not be made (refused, not accepted in time, host unknown): nothing reached the backend. */
    CONNECT,
    /** The backend sent nothing for longer than its response timeout. */
    TIMEOUT,
    /** The backend answered with a 5xx status. */
    SERVER_ERROR,
    /** The answer broke off after it had begun (reset, stalled, closed early). */
    BROKEN_STREAM
}
