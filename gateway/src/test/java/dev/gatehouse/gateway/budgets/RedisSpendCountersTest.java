package dev.gatehouse.gateway.budgets;

import dev.gatehouse.gateway.budgets.SpendCounters.Outcome;
import dev.gatehouse.testing.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The counters in a real Redis keep the contract, are shared by every gateway on it, and fail loudly while it is away. */
class RedisSpendCountersTest extends SpendCountersContract {

    private static RedisServer redis;
    private RedisSpendCounters counters;

    @BeforeAll
    static void startRedis() throws Exception {
        redis = RedisServer.startFresh();
    }

    @AfterAll
    static void stopRedis() throws Exception {
        redis.close();
    }

    @BeforeEach
    void connect() {
        counters = RedisSpendCounters.connect(redis.uri(), Duration.ofSeconds(2));
    }

    @AfterEach
    void disconnect() {
        counters.close();
    }

    @Override
    SpendCounters counters() {
        return counters;
    }

    @Test
    void twoGatewaysOnOneRedisShareOneBudget() {
        SpendAccount account = account(UUID.randomUUID(), null, 1000);
        long now = Instant.parse("2026-12-10T12:00:00Z").toEpochMilli();
        try (RedisSpendCounters other = RedisSpendCounters.connect(redis.uri(), Duration.ofSeconds(2))) {
            counters.seed(account, 0).join();
            List<CompletableFuture<SpendCounters.Reservation>> calls = new ArrayList<>();
            for (int call = 0; call < 50; call++) {
                calls.add((call % 2 == 0 ? counters : other).reserve(List.of(account), "call-" + call, 30, now + 60_000, now));
            }

            long reserved = calls.stream().map(CompletableFuture::join).filter(reservation -> reservation.outcome() == Outcome.RESERVED).count();

            assertThat(reserved).isEqualTo(33);
        }
    }

    @Test
    void whileRedisIsAwayReservationsFail() throws Exception {
        SpendAccount account = account(UUID.randomUUID(), null, 1000);
        counters.seed(account, 0).join();
        redis.stop();
        try {
            assertThatThrownBy(() -> counters.reserve(List.of(account), "a", 1, Long.MAX_VALUE, 0).join()).isInstanceOf(RuntimeException.class);
        } finally {
            redis.start();
        }
    }
}
