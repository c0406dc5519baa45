package dev.gatehouse.scanner;

/** What the gateway does with a request whose injection score reaches the tenant's threshold. */
public enum ScanAction {
    /** Refuse the request; it never reaches the backend. */
    BLOCK,
    /** Forward it, mark the response headers and the audit record. */
    FLAG,
    /** Forward it unmarked; only the audit record notes the score. */
    LOG_ONLY
}
