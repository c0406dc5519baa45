package dev.gatehouse.audit;

import java.time.Instant;
import java.util.UUID;

/** An event as stored: its position in the log, its canonical JSON and its link in the hash chain. */
public record AuditRecord(long seq, UUID tenantId, String requestId, Instant recordedAt, String eventJson,
                          byte[] previousHash, byte[] hash) {
}
