package dev.gatehouse.gateway.limits;

import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.AsyncProxyManager;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Limit buckets in Redis, shared by every gateway replica: Bucket4j's compare-and-swap buckets
 * over Lettuce, so that concurrent replicas update a bucket atomically (no read-modify-write race).
 * Commands time out and fail fast while Redis is away ({@link RedisClients}). Keys
 * expire once their bucket would be full again, so Redis holds only the active callers.
 */
public final class RedisLimitBuckets implements LimitBuckets {

    private final RedisClients.Connected<String, byte[]> redis;
    private final AsyncProxyManager<String> buckets;
    private final URI uri;

    private RedisLimitBuckets(RedisClients.Connected<String, byte[]> redis, URI uri) {
        this.redis = redis;
        this.uri = uri;
        this.buckets = Bucket4jLettuce.casBasedBuilder(redis.connection())
                .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofMinutes(2)))
                .build()
                .asAsync();
    }

    /** Connects (see {@link RedisClients#connect}); reconnects by itself later. */
    public static RedisLimitBuckets connect(URI uri, Duration timeout) {
        return RedisClients.connect(uri, timeout, RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE),
                connected -> new RedisLimitBuckets(connected, uri));
    }

    @Override
    public CompletableFuture<ConsumptionProbe> tryConsume(MinuteBucket bucket, long tokens) {
        return buckets.builder().build(bucket.key(), bucket.configuration()).tryConsumeAndReturnRemaining(tokens);
    }

    @Override
    public CompletableFuture<Void> giveBack(MinuteBucket bucket, long tokens) {
        return buckets.builder().build(bucket.key(), bucket.configuration()).addTokens(tokens);
    }

    @Override
    public CompletableFuture<Void> consumeRegardless(MinuteBucket bucket, long tokens) {
        return buckets.builder().build(bucket.key(), bucket.configuration()).consumeIgnoringRateLimits(tokens).thenApply(debt -> null);
    }

    /** Whether Redis answers now, for readiness. */
    public boolean reachable() {
        return redis.reachable();
    }

    @Override
    public void close() {
        redis.close();
    }

    @Override
    public String toString() {
        return "Redis at " + uri.getHost() + ":" + uri.getPort();
    }
}
