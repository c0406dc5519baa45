package dev.gatehouse.gateway.budgets;

import dev.gatehouse.gateway.budgets.SpendCounters.Outcome;
import dev.gatehouse.gateway.budgets.SpendCounters.Reservation;
import dev.gatehouse.gateway.budgets.SpendCounters.Spend;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/** What every {@link SpendCounters} does, in memory and in Redis alike. */
abstract class SpendCountersContract {

    private static final long NOW = Instant.parse("2026-12-10T12:00:00Z").toEpochMilli();
    private static final long HOLD_UNTIL = NOW + 600_000;

    abstract SpendCounters counters();

    static SpendAccount account(UUID tenant, String key, long limitNanos) {
        return new SpendAccount(tenant, key, Instant.parse("2026-12-01T00:00:00Z"), Instant.parse("2027-01-01T00:00:00Z"), limitNanos);
    }

    private SpendAccount seeded(long limitNanos, long spent) {
        SpendAccount account = account(UUID.randomUUID(), null, limitNanos);
        counters().seed(account, spent).join();
        return account;
    }

    @Test
    void aCounterNotSeededAsksForSeedingAndSeedingTwiceKeepsTheFirst() {
        SpendAccount account = account(UUID.randomUUID(), null, 1000);

        Reservation unseeded = counters().reserve(List.of(account), "call-1", 10, HOLD_UNTIL, NOW).join();
        counters().seed(account, 300).join();
        counters().seed(account, 900).join();

        assertThat(unseeded.outcome()).isEqualTo(Outcome.UNSEEDED);
        assertThat(unseeded.account()).isZero();
        assertThat(counters().read(account).join()).contains(new Spend(300, 0));
    }

    @Test
    void reservesWhileSpentPlusReservedStaysWithinTheLimitAndRefusesBeyond() {
        SpendAccount account = seeded(1000, 400);

        assertThat(counters().reserve(List.of(account), "a", 600, HOLD_UNTIL, NOW).join().outcome()).isEqualTo(Outcome.RESERVED);
        Reservation refused = counters().reserve(List.of(account), "b", 1, HOLD_UNTIL, NOW).join();

        assertThat(refused.outcome()).isEqualTo(Outcome.REFUSED);
        assertThat(refused.spend()).isEqualTo(new Spend(400, 600));
    }

    @Test
    void settlingReplacesTheReservationByTheCostAndReleasesTheRest() {
        SpendAccount account = seeded(1000, 0);
        counters().reserve(List.of(account), "a", 800, HOLD_UNTIL, NOW).join();

        List<Spend> after = counters().settle(List.of(account), "a", 250).join();

        assertThat(after).containsExactly(new Spend(250, 0));
        assertThat(counters().reserve(List.of(account), "b", 750, HOLD_UNTIL, NOW).join().outcome()).isEqualTo(Outcome.RESERVED);
    }

    @Test
    void aCallIsReservedOnAllItsBudgetsOrOnNone() {
        UUID tenant = UUID.randomUUID();
        SpendAccount tenantBudget = account(tenant, null, 10_000);
        SpendAccount keyBudget = account(tenant, "key-1", 100);
        counters().seed(tenantBudget, 0).join();
        counters().seed(keyBudget, 0).join();

        Reservation refused = counters().reserve(List.of(tenantBudget, keyBudget), "a", 500, HOLD_UNTIL, NOW).join();

        assertThat(refused.outcome()).isEqualTo(Outcome.REFUSED);
        assertThat(refused.account()).isEqualTo(1);
        assertThat(counters().read(tenantBudget).join()).contains(new Spend(0, 0));
    }

    @Test
    void aReservationNeverSettledIsReleasedOnceItsHoldHasPassed() {
        SpendAccount account = seeded(1000, 0);
        counters().reserve(List.of(account), "orphan", 900, NOW + 1000, NOW).join();

        Reservation whileHeld = counters().reserve(List.of(account), "b", 200, HOLD_UNTIL, NOW + 999).join();
        Reservation afterwards = counters().reserve(List.of(account), "c", 200, HOLD_UNTIL, NOW + 1000).join();

        assertThat(whileHeld.outcome()).isEqualTo(Outcome.REFUSED);
        assertThat(afterwards.outcome()).isEqualTo(Outcome.RESERVED);
        assertThat(counters().read(account).join()).contains(new Spend(0, 200));
    }

    @Test
    void settlingAfterTheHoldWasReleasedStillCountsTheCostOnce() {
        SpendAccount account = seeded(1000, 0);
        counters().reserve(List.of(account), "slow", 500, NOW + 10, NOW).join();
        counters().reserve(List.of(account), "trigger", 1, HOLD_UNTIL, NOW + 20).join();

        List<Spend> after = counters().settle(List.of(account), "slow", 300).join();

        assertThat(after).containsExactly(new Spend(300, 1));
    }

    @Test
    void amountsBeyondTheRangeOfDoublesPrintedAsIntegersStayExact() {
        long limit = 1_000_000_000_000_000L;
        SpendAccount account = seeded(limit, 123_456_789_012_345L);

        counters().reserve(List.of(account), "big", 876_543_210_987_655L, HOLD_UNTIL, NOW).join();
        List<Spend> after = counters().settle(List.of(account), "big", 876_543_210_987_655L).join();

        assertThat(after).containsExactly(new Spend(1_000_000_000_000_000L, 0));
    }

    @Test
    void fiftyConcurrentReservationsAdmitExactlyWhatFits() {
        SpendAccount account = seeded(1000, 0);
        List<CompletableFuture<Reservation>> calls = new ArrayList<>();
        for (int call = 0; call < 50; call++) {
            calls.add(CompletableFuture.supplyAsync(() -> null).thenCompose(
                    ignored -> counters().reserve(List.of(account), UUID.randomUUID().toString(), 30, HOLD_UNTIL, NOW)));
        }

        long reserved = calls.stream().map(CompletableFuture::join).filter(reservation -> reservation.outcome() == Outcome.RESERVED).count();

        assertThat(reserved).isEqualTo(33);
        assertThat(counters().read(account).join()).contains(new Spend(0, 990));
    }
}
