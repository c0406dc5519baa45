package dev.gatehouse.audit;

import dev.gatehouse.crypto.keystore.MasterSecret;
import dev.gatehouse.crypto.signing.Ed25519KeyRing;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** Events and a signing key ring for the audit tests. */
final class AuditTestLogs {

    static final Instant NOON = Instant.parse("2026-11-27T12:00:00Z");

    private AuditTestLogs() {
    }

    static AuditEvent call(UUID tenant, String callId, Map<String, Object> facts) {
        return new AuditEvent(callId, "caller-request", tenant, NOON, "model_call", facts);
    }

    static Ed25519KeyRing keyRing(Path directory) {
        return Ed25519KeyRing.openOrCreate(directory.resolve("signing.bcfks"), MasterSecret.of("audit test secret".toCharArray()));
    }

    static AuditCheckpoints checkpoints(AuditLog log, Ed25519KeyRing ring) {
        return new AuditCheckpoints(log, ring, ring::publicKeys, Clock.systemUTC());
    }
}
