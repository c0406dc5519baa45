package dev.gatehouse.gateway.limits;

import io.github.bucket4j.ConsumptionProbe;

import java.util.concurrent.CompletableFuture;

/**
 * Where the limit buckets live: in this process ({@link LocalLimitBuckets}, the embedded mode) or
 * in Redis, shared by every gateway replica ({@link RedisLimitBuckets}). Both are Bucket4j buckets
 * with the same semantics; every operation is atomic on its bucket.
 */
public interface LimitBuckets extends AutoCloseable {

    /** Takes {@code tokens} if the bucket has them, and says what remains or how long to wait. */
    CompletableFuture<ConsumptionProbe> tryConsume(MinuteBucket bucket, long tokens);

    /** Returns tokens taken but not used (up to the bucket's capacity). */
    CompletableFuture<Void> giveBack(MinuteBucket bucket, long tokens);

    /** Takes tokens already used, into debt if need be: later calls then wait until it is paid off. */
    CompletableFuture<Void> consumeRegardless(MinuteBucket bucket, long tokens);

    @Override
    default void close() {
    }
}
