package dev.gatehouse.gateway.limits;

import dev.gatehouse.gateway.limits.RateLimiter.Admission;
import dev.gatehouse.gateway.limits.RateLimiter.Exhausted;
import dev.gatehouse.gateway.limits.RateLimiter.Party;
import io.github.bucket4j.TimeMeter;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class RateLimiterTest {

    private final StoppedClock clock = new StoppedClock();
    private final LocalLimitBuckets buckets = new LocalLimitBuckets(clock);
    private final RateLimiter limiter = new RateLimiter(buckets);
    private final Party tenant = new Party("tenant:acme", new RateLimits(3, 1_000));

    @Test
    void admitsTheRequestsOfAMinuteThenRefusesWithTheTimeToWait() {
        for (int call = 0; call < 3; call++) {
            assertThat(admit(List.of(tenant), 10).admitted()).isTrue();
        }

        Admission refused = admit(List.of(tenant), 10);

        assertThat(refused.admitted()).isFalse();
        assertThat(refused.exhausted()).isEqualTo(Exhausted.REQUESTS);
        assertThat(refused.requests().limit()).isEqualTo(3);
        assertThat(refused.requests().remaining()).isZero();
        // one request comes back every 20 s at 3 per minute
        assertThat(refused.retryAfterNanos()).isPositive().isLessThanOrEqualTo(TimeUnit.SECONDS.toNanos(20));
    }

    @Test
    void reportsTheBindingLimitAndWhatRemainsOfIt() {
        Admission admitted = admit(List.of(tenant), 400);

        assertThat(admitted.requests().remaining()).isEqualTo(2);
        assertThat(admitted.tokens().limit()).isEqualTo(1_000);
        assertThat(admitted.tokens().remaining()).isEqualTo(600);
        assertThat(admitted.tokens().nanosToReset()).isPositive();
    }

    @Test
    void aKeysLowerLimitRefusesAndTheTenantsReservationIsReturned() {
        Party key = new Party("key:k1", new RateLimits(1, 1_000));
        assertThat(admit(List.of(tenant, key), 100).admitted()).isTrue();

        Admission refused = admit(List.of(tenant, key), 100);

        assertThat(refused.admitted()).isFalse();
        assertThat(refused.requests().limit()).isEqualTo(1);
        Admission tenantOnly = admit(List.of(tenant), 100);
        assertThat(tenantOnly.requests().remaining()).as("the refused call took nothing of the tenant's").isEqualTo(1);
        assertThat(tenantOnly.tokens().remaining()).isEqualTo(800);
    }

    @Test
    void tokensAreReservedAsEstimatedAndSettledAsUsed() {
        Party busy = new Party("tenant:busy", new RateLimits(100, 1_000));
        Admission first = admit(List.of(busy), 500);
        limiter.settle(first, 100).join();
        assertThat(admit(List.of(busy), 1).tokens().remaining()).as("400 given back").isEqualTo(1_000 - 100 - 1);

        Admission second = admit(List.of(busy), 1);
        limiter.settle(second, 900).join();

        Admission third = admit(List.of(busy), 1);
        assertThat(third.admitted()).as("the overrun is a debt later calls wait out").isFalse();
        assertThat(third.exhausted()).isEqualTo(Exhausted.TOKENS);
    }

    @Test
    void aCallNeedingMoreTokensThanAMinuteAllowsNeverFits() {
        Admission refused = admit(List.of(tenant), 1_001);

        assertThat(refused.admitted()).isFalse();
        assertThat(refused.neverFits()).isTrue();
        assertThat(admit(List.of(tenant), 1).requests().remaining()).as("its request was given back").isEqualTo(2);
    }

    @Test
    void refillsEvenlyOverTheMinute() {
        for (int call = 0; call < 3; call++) {
            admit(List.of(tenant), 1);
        }
        clock.advanceSeconds(20);

        assertThat(admit(List.of(tenant), 1).admitted()).isTrue();
        assertThat(admit(List.of(tenant), 1).admitted()).isFalse();
    }

    private static final class StoppedClock implements TimeMeter {

        private long nanos = TimeUnit.DAYS.toNanos(1);

        void advanceSeconds(long seconds) {
            nanos += TimeUnit.SECONDS.toNanos(seconds);
        }

        @Override
        public long currentTimeNanos() {
            return nanos;
        }

        @Override
        public boolean isWallClockBased() {
            return false;
        }
    }

    private Admission admit(List<Party> parties, long tokens) {
        return limiter.admit(parties, tokens).join();
    }
}
