package dev.gatehouse.audit;

import java.time.Instant;
import java.util.UUID;

/**
 * An event as stored: its log, its position (leaf index) in that log, and its canonical JSON, the
 * exact bytes its leaf hash covers.
 */
public record AuditRecord(UUID logId, long index, String recordId, String requestId, String action, Instant recordedAt,
                          String eventJson, byte[] leafHash) {
}
