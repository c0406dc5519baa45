package dev.gatehouse.gateway.limits;

import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.AsyncProxyManager;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Limit buckets in Redis, shared by every gateway replica: Bucket4j's compare-and-swap buckets
 * over Lettuce, so that concurrent replicas update a bucket atomically (no read-modify-write race).
 * Every command times out after {@code timeout} and is refused at once while the connection is
 * down, so that an unreachable Redis fails a call within that bound instead of stalling it. Keys
 * expire once their bucket would be full again, so Redis holds only the active callers.
 */
public final class RedisLimitBuckets implements LimitBuckets {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private final RedisClient client;
    private final StatefulRedisConnection<String, byte[]> connection;
    private final AsyncProxyManager<String> buckets;
    private final URI uri;

    private RedisLimitBuckets(RedisClient client, StatefulRedisConnection<String, byte[]> connection, URI uri) {
        this.client = client;
        this.connection = connection;
        this.uri = uri;
        this.buckets = Bucket4jLettuce.casBasedBuilder(connection)
                .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofMinutes(2)))
                .build()
                .asAsync();
    }

    /**
     * Connects, waiting up to {@link #CONNECT_TIMEOUT} (a replica starting on a busy machine is
     * slow) and failing when Redis cannot be reached then; reconnects by itself later.
     */
    public static RedisLimitBuckets connect(URI uri, Duration timeout) {
        RedisURI redis = RedisURI.create(uri);
        redis.setTimeout(CONNECT_TIMEOUT);
        RedisClient client = RedisClient.create(redis);
        client.setOptions(ClientOptions.builder()
                .timeoutOptions(TimeoutOptions.enabled(timeout))
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .autoReconnect(true)
                .build());
        try {
            return new RedisLimitBuckets(client, client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE)), uri);
        } catch (RuntimeException e) {
            client.shutdown();
            throw e;
        }
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
        try {
            return "PONG".equals(connection.sync().ping());
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public void close() {
        connection.close();
        client.shutdown();
    }

    @Override
    public String toString() {
        return "Redis at " + uri.getHost() + ":" + uri.getPort();
    }
}
