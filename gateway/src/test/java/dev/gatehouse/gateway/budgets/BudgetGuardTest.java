package dev.gatehouse.gateway.budgets;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The guard reserves a call's greatest cost on its budgets, settles with the real one, and picks up a period's spend from the ledger. */
class BudgetGuardTest {

    private static final Instant NOW = Instant.parse("2026-12-10T12:00:00Z");
    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);

    private BudgetGuard guard(BigDecimal spentInLedger) {
        return new BudgetGuard(new LocalSpendCounters(), account -> spentInLedger, Runnable::run, clock, Duration.ofMinutes(10));
    }

    private static SpendAccount tenantBudget(String limitUsd) {
        return SpendAccount.of(UUID.randomUUID(), null, Budget.monthly(new BigDecimal(limitUsd)), NOW);
    }

    @Test
    void aNewCounterStartsFromWhatTheLedgerSaysThePeriodSpent() {
        BudgetGuard guard = guard(new BigDecimal("9.50"));
        SpendAccount budget = tenantBudget("10.00");

        BudgetGuard.Admission refused = guard.admit(List.of(budget), "call", new BigDecimal("0.60")).join();
        BudgetGuard.Admission admitted = guard.admit(List.of(budget), "call", new BigDecimal("0.50")).join();

        assertThat(refused.admitted()).isFalse();
        assertThat(refused.remainingUsd()).isEqualByComparingTo("0.50");
        assertThat(admitted.admitted()).isTrue();
    }

    @Test
    void settlingWithTheMeteredCostGivesBackWhatWasNotUsed() {
        BudgetGuard guard = guard(BigDecimal.ZERO);
        SpendAccount budget = tenantBudget("1.00");
        BudgetGuard.Admission admission = guard.admit(List.of(budget), "call", new BigDecimal("0.90")).join();

        guard.settle(admission, "call", new BigDecimal("0.000123456")).join();

        assertThat(guard.spend(budget).join()).isEqualTo(new SpendCounters.Spend(123_456, 0));
        assertThat(guard.admit(List.of(budget), "next", new BigDecimal("0.99")).join().admitted()).isTrue();
    }

    @Test
    void aCallWithoutCostStillReservesSomethingSoAnExhaustedBudgetRefusesIt() {
        BudgetGuard guard = guard(new BigDecimal("1.00"));

        assertThat(guard.admit(List.of(tenantBudget("1.00")), "free", BigDecimal.ZERO).join().admitted()).isFalse();
    }
}
