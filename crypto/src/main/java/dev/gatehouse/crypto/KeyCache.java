package dev.gatehouse.crypto;

import dev.gatehouse.crypto.kms.DataKey;
import dev.gatehouse.crypto.kms.KeyManagementService;
import dev.gatehouse.crypto.kms.WrappedKey;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.SecretKey;

/** The caches behind {@link TenantCipher}, as described by {@link KeyCachePolicy}. Thread-safe. */
final class KeyCache {

    private final KeyManagementService kms;
    private final KeyCachePolicy policy;
    private final Clock clock;
    private final Map<TenantId, EncryptionKey> encryptionKeys = new ConcurrentHashMap<>();
    private final Map<TenantId, Object> fetchLocks = new ConcurrentHashMap<>();
    private final LinkedHashMap<UnwrapKey, UnwrappedKey> unwrappedKeys = new LinkedHashMap<>(16, 0.75f, true);

    KeyCache(KeyManagementService kms, KeyCachePolicy policy, Clock clock) {
        this.kms = kms;
        this.policy = policy;
        this.clock = clock;
    }

    /** A data key for one more encryption: the cached one while it is fresh and not used up, else a new one. */
    DataKey dataKeyForEncryption(TenantId tenant) {
        EncryptionKey cached = encryptionKeys.get(tenant);
        if (cached != null && cached.tryUse(clock.instant(), policy.maxEncryptionsPerDataKey())) {
            return cached.dataKey;
        }
        synchronized (fetchLocks.computeIfAbsent(tenant, t -> new Object())) {
            cached = encryptionKeys.get(tenant);
            if (cached != null && cached.tryUse(clock.instant(), policy.maxEncryptionsPerDataKey())) {
                return cached.dataKey;
            }
            encryptionKeys.remove(tenant);
            DataKey fresh = kms.generateDataKey(tenant);
            Instant expiry = clock.instant().plus(policy.timeToLive());
            EncryptionKey entry = new EncryptionKey(fresh, expiry);
            entry.tryUse(clock.instant(), policy.maxEncryptionsPerDataKey());
            if (!policy.timeToLive().isZero()) {
                encryptionKeys.put(tenant, entry);
                remember(new UnwrapKey(tenant, fresh.wrapped()), fresh.key(), expiry);
            }
            return fresh;
        }
    }

    SecretKey unwrap(TenantId tenant, WrappedKey wrapped) {
        UnwrapKey cacheKey = new UnwrapKey(tenant, wrapped);
        synchronized (unwrappedKeys) {
            UnwrappedKey cached = unwrappedKeys.get(cacheKey);
            if (cached != null && clock.instant().isBefore(cached.expiry)) {
                return cached.key;
            }
            unwrappedKeys.remove(cacheKey);
        }
        SecretKey key = kms.unwrapDataKey(tenant, wrapped);
        remember(cacheKey, key, clock.instant().plus(policy.timeToLive()));
        return key;
    }

    void forget(TenantId tenant) {
        encryptionKeys.remove(tenant);
        synchronized (unwrappedKeys) {
            unwrappedKeys.keySet().removeIf(key -> key.tenant.equals(tenant));
        }
    }

    private void remember(UnwrapKey cacheKey, SecretKey key, Instant expiry) {
        if (policy.timeToLive().isZero() || policy.maxUnwrappedKeys() == 0) {
            return;
        }
        synchronized (unwrappedKeys) {
            unwrappedKeys.put(cacheKey, new UnwrappedKey(key, expiry));
            while (unwrappedKeys.size() > policy.maxUnwrappedKeys()) {
                unwrappedKeys.remove(unwrappedKeys.keySet().iterator().next());
            }
        }
    }

    private record UnwrapKey(TenantId tenant, WrappedKey wrapped) {
    }

    private record UnwrappedKey(SecretKey key, Instant expiry) {
    }

    private static final class EncryptionKey {
        private final DataKey dataKey;
        private final Instant expiry;
        private long uses;

        EncryptionKey(DataKey dataKey, Instant expiry) {
            this.dataKey = dataKey;
            this.expiry = expiry;
        }

        synchronized boolean tryUse(Instant now, long maxUses) {
            if (!now.isBefore(expiry) || uses >= maxUses) {
                return false;
            }
            uses++;
            return true;
        }
    }
}
