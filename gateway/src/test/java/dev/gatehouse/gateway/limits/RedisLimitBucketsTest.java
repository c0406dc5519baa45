package dev.gatehouse.gateway.limits;

import dev.gatehouse.gateway.limits.RateLimiter.Admission;
import dev.gatehouse.gateway.limits.RateLimiter.Party;
import dev.gatehouse.testing.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Limits in a real Redis hold for all the gateways that share it, and fail loudly while it is away. */
class RedisLimitBucketsTest {

    private static RedisServer redis;

    @BeforeAll
    static void startRedis() throws Exception {
        redis = RedisServer.startFresh();
    }

    @AfterAll
    static void stopRedis() throws Exception {
        redis.close();
    }

    @Test
    void twoGatewaysSharingRedisAdmitTogetherNoMoreThanTheLimit() {
        Party tenant = new Party("tenant:" + UUID.randomUUID(), new RateLimits(50, 1_000_000));
        try (RedisLimitBuckets first = RedisLimitBuckets.connect(redis.uri(), Duration.ofSeconds(2));
             RedisLimitBuckets second = RedisLimitBuckets.connect(redis.uri(), Duration.ofSeconds(2))) {
            long started = System.nanoTime();
            List<CompletableFuture<Admission>> calls = new ArrayList<>();
            for (int call = 0; call < 60; call++) {
                calls.add(new RateLimiter(call % 2 == 0 ? first : second).admit(List.of(tenant), 10));
            }

            long admitted = calls.stream().map(CompletableFuture::join).filter(Admission::admitted).count();
            long elapsedSeconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started) + 1;

            // 50 fit at once; while the calls run the bucket refills one request every 60 / 50 = 1.2 s
            assertThat(admitted).isBetween(50L, 50L + elapsedSeconds * 50 / 60 + 1);
        }
    }

    @Test
    void settlesTokensAcrossGateways() {
        Party tenant = new Party("tenant:" + UUID.randomUUID(), new RateLimits(1_000, 600));
        try (RedisLimitBuckets first = RedisLimitBuckets.connect(redis.uri(), Duration.ofSeconds(2));
             RedisLimitBuckets second = RedisLimitBuckets.connect(redis.uri(), Duration.ofSeconds(2))) {
            Admission reserved = new RateLimiter(first).admit(List.of(tenant), 500).join();
            new RateLimiter(first).settle(reserved, 550).join();

            Admission refused = new RateLimiter(second).admit(List.of(tenant), 100).join();

            assertThat(refused.admitted()).isFalse();
            assertThat(refused.exhausted()).isEqualTo(RateLimiter.Exhausted.TOKENS);
        }
    }

    @Test
    void failsWithinTheTimeoutWhileRedisIsDownAndRecoversWhenItIsBack() throws Exception {
        Party tenant = new Party("tenant:" + UUID.randomUUID(), new RateLimits(100, 100_000));
        try (RedisLimitBuckets buckets = RedisLimitBuckets.connect(redis.uri(), Duration.ofMillis(300))) {
            RateLimiter limiter = new RateLimiter(buckets);
            assertThat(limiter.admit(List.of(tenant), 1).join().admitted()).isTrue();

            redis.stop();
            try {
                assertThatThrownBy(() -> limiter.admit(List.of(tenant), 1).join()).isInstanceOf(CompletionException.class);
                assertThat(buckets.reachable()).isFalse();
            } finally {
                redis.start();
            }

            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(limiter.admit(List.of(tenant), 1).join().admitted()).isTrue());
            assertThat(buckets.reachable()).isTrue();
        }
    }
}
