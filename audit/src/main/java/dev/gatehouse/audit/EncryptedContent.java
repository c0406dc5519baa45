package dev.gatehouse.audit;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * A call's prompt and completion as stored: ciphertexts only, readable with the tenant's key.
 * {@code callId} is the gateway's unique id of the call; {@code requestId} the caller's, which repeats.
 */
public record EncryptedContent(String callId, String requestId, UUID tenantId, Instant recordedAt, Instant expiresAt,
                               byte[] promptCiphertext, byte[] completionCiphertext) {

    public EncryptedContent {
        Objects.requireNonNull(callId, "callId");
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(promptCiphertext, "promptCiphertext");
        Objects.requireNonNull(completionCiphertext, "completionCiphertext");
        if (!expiresAt.isAfter(recordedAt)) {
            throw new IllegalArgumentException("content must be kept for some time");
        }
    }
}
