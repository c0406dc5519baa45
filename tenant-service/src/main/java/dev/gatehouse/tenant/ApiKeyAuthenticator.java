package dev.gatehouse.tenant;

import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Verifies API keys from memory, so the request path never waits on the database. {@link #refresh()}
 * pulls only the keys (and tenants) that changed since the last pull; called every second or two,
 * it makes a revocation or suspension effective on every gateway instance within that interval.
 */
public final class ApiKeyAuthenticator {

    /** Re-read rows changed shortly before the newest one seen: a transaction may commit late. */
    private static final Duration REFRESH_OVERLAP = Duration.ofSeconds(5);
    private static final byte[] DIGEST_OF_NOTHING = ApiKeyToken.sha256("");

    private final ApiKeyRepository repository;
    private final Clock clock;
    private final Map<String, StoredApiKey> keysById = new ConcurrentHashMap<>();
    private final Map<String, Instant> lastUsedByKey = new ConcurrentHashMap<>();
    private Instant watermark = Instant.EPOCH;
    private Instant deletionWatermark = Instant.EPOCH;

    public ApiKeyAuthenticator(ApiKeyRepository repository, Clock clock) {
        this.repository = repository;
        this.clock = clock;
        refresh();
    }

    public synchronized void refresh() {
        Instant newest = watermark;
        Instant since = watermark.minus(REFRESH_OVERLAP);
        for (StoredApiKey key : repository.changedSince(since)) {
            keysById.put(key.keyId(), key);
            if (key.changedAt().isAfter(newest)) {
                newest = key.changedAt();
            }
        }
        watermark = newest;
        Instant newestDeletion = deletionWatermark;
        for (ApiKeyRepository.Tombstone tombstone : repository.deletedSince(deletionWatermark.minus(REFRESH_OVERLAP))) {
            keysById.remove(tombstone.keyId());
            if (tombstone.deletedAt().isAfter(newestDeletion)) {
                newestDeletion = tombstone.deletedAt();
            }
        }
        deletionWatermark = newestDeletion;
    }

    public ApiKeyVerification verify(String token) {
        byte[] presented = ApiKeyToken.sha256(token == null ? "" : token);
        StoredApiKey key = ApiKeyToken.keyIdOf(token).map(keysById::get).orElse(null);
        // Compare against a digest even when the key id is unknown, so timing does not tell the two apart.
        boolean secretMatches = MessageDigest.isEqual(presented, key == null ? DIGEST_OF_NOTHING : key.secretSha256());
        if (key == null || !secretMatches) {
            return new ApiKeyVerification.Refused(ApiKeyVerification.Reason.INVALID);
        }
        Instant now = clock.instant();
        if (key.revokedAt() != null) {
            return new ApiKeyVerification.Refused(ApiKeyVerification.Reason.REVOKED);
        }
        if (key.expiresAt() != null && !now.isBefore(key.expiresAt())) {
            return new ApiKeyVerification.Refused(ApiKeyVerification.Reason.EXPIRED);
        }
        if (key.tenantStatus() != TenantStatus.ACTIVE) {
            return new ApiKeyVerification.Refused(ApiKeyVerification.Reason.TENANT_SUSPENDED);
        }
        lastUsedByKey.put(key.keyId(), now);
        return new ApiKeyVerification.Accepted(new ApiKeyPrincipal(key.keyId(), key.tenantId(), key.roles(), key.scopes()));
    }

    /** Writes the last-used times gathered since the previous flush, one row per key, not per request. */
    public void flushLastUsed() {
        Map<String, Instant> batch = new HashMap<>();
        for (String keyId : lastUsedByKey.keySet()) {
            Instant at = lastUsedByKey.remove(keyId);
            if (at != null) {
                batch.put(keyId, at);
            }
        }
        if (!batch.isEmpty()) {
            repository.recordLastUsed(batch);
        }
    }
}
