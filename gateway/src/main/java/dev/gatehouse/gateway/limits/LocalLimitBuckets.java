package dev.gatehouse.gateway.limits;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Limit buckets in this process, for the embedded mode (one gateway). A bucket unused for a few
 * minutes is full again anyway, so it is forgotten, which bounds the memory to the active callers.
 */
public final class LocalLimitBuckets implements LimitBuckets {

    private static final Duration IDLE = Duration.ofMinutes(5);

    private final Cache<String, Bucket> buckets = Caffeine.newBuilder().expireAfterAccess(IDLE).build();
    private final TimeMeter clock;

    public LocalLimitBuckets() {
        this(TimeMeter.SYSTEM_NANOTIME);
    }

    /** With the clock the buckets refill by; tests stop time with one of their own. */
    LocalLimitBuckets(TimeMeter clock) {
        this.clock = clock;
    }

    @Override
    public CompletableFuture<ConsumptionProbe> tryConsume(MinuteBucket bucket, long tokens) {
        return CompletableFuture.completedFuture(bucket(bucket).tryConsumeAndReturnRemaining(tokens));
    }

    @Override
    public CompletableFuture<Void> giveBack(MinuteBucket bucket, long tokens) {
        bucket(bucket).addTokens(tokens);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> consumeRegardless(MinuteBucket bucket, long tokens) {
        bucket(bucket).consumeIgnoringRateLimits(tokens);
        return CompletableFuture.completedFuture(null);
    }

    private Bucket bucket(MinuteBucket bucket) {
        return buckets.get(bucket.key(), key -> Bucket.builder().addLimit(bucket.bandwidth()).withCustomTimePrecision(clock).build());
    }

    @Override
    public String toString() {
        return "in memory";
    }
}
