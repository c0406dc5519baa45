package dev.gatehouse.crypto;

import java.time.Duration;

/**
 * How long {@link TenantCipher} may keep using keys it got from the key service without asking again.
 * This is what keeps encryption and decryption working through a short key-service outage: for at most
 * {@code timeToLive} after it was fetched, a cached key keeps working; after that, operations that need
 * the key service fail closed with {@code KEY_SERVICE_UNAVAILABLE}.
 *
 * <p>It is also the bound on how long a rotation or a destroyed key takes to be noticed by other processes
 * that share the key service (this process drops its own cache entries at once).
 *
 * @param timeToLive               how long a data key (for encrypting) and an unwrapped data key (for
 *                                 decrypting) stay usable after they were fetched
 * @param maxEncryptionsPerDataKey how many objects one cached data key may encrypt; each object still gets
 *                                 its own key, derived from the data key with a 256-bit random salt
 * @param maxUnwrappedKeys         how many unwrapped data keys are kept (least recently used are dropped)
 */
public record KeyCachePolicy(Duration timeToLive, long maxEncryptionsPerDataKey, int maxUnwrappedKeys) {

    public KeyCachePolicy {
        if (timeToLive == null || timeToLive.isNegative()) {
            throw new IllegalArgumentException("timeToLive must be zero or positive");
        }
        if (maxEncryptionsPerDataKey < 1 || maxUnwrappedKeys < 0) {
            throw new IllegalArgumentException("cache bounds must be positive");
        }
    }

    /** Five minutes, at most 100,000 objects per data key, 10,000 unwrapped keys. */
    public static KeyCachePolicy defaults() {
        return new KeyCachePolicy(Duration.ofMinutes(5), 100_000, 10_000);
    }

    /** Every encryption asks the key service for a new data key and every decryption unwraps again. */
    public static KeyCachePolicy noCaching() {
        return new KeyCachePolicy(Duration.ZERO, 1, 0);
    }
}
