package dev.gatehouse.gateway.budgets;

import dev.gatehouse.gateway.budgets.SpendCounters.Outcome;
import dev.gatehouse.gateway.budgets.SpendCounters.Reservation;
import dev.gatehouse.gateway.budgets.SpendCounters.Spend;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * Holds calls to their budgets: before a call its greatest possible cost is reserved on every
 * budget it counts against, atomically and only if each has that much left, so that spent plus
 * reserved never exceeds a limit; after the call the reservation is replaced by what the call
 * really cost. A budget's counter that does not exist yet (a new period, a restarted gateway or
 * Redis) is seeded with what its period has spent according to the usage ledger.
 */
public final class BudgetGuard {

    private final SpendCounters counters;
    private final Function<SpendAccount, BigDecimal> spentSoFar;
    private final Executor ledgerReads;
    private final Clock clock;
    private final Duration hold;

    /**
     * @param spentSoFar what an account's period spent so far (blocking: run on {@code ledgerReads})
     * @param hold how long a reservation outlives its call at most, should its gateway die before settling
     */
    public BudgetGuard(SpendCounters counters, Function<SpendAccount, BigDecimal> spentSoFar, Executor ledgerReads, Clock clock, Duration hold) {
        this.counters = counters;
        this.spentSoFar = spentSoFar;
        this.ledgerReads = ledgerReads;
        this.clock = clock;
        this.hold = hold;
    }

    /** The outcome of {@link #admit}: for a refusal, the budget that refused and its counter. */
    public record Admission(boolean admitted, List<SpendAccount> accounts, long reservedNanos, SpendAccount refusedBy, Spend refusedSpend) {

        public BigDecimal remainingUsd() {
            return SpendAmounts.usd(Math.max(0, refusedBy.limitNanos() - refusedSpend.spentNanos() - refusedSpend.reservedNanos()));
        }

        public BigDecimal reservedUsd() {
            return SpendAmounts.usd(reservedNanos);
        }
    }

    public CompletableFuture<Admission> admit(List<SpendAccount> accounts, String callId, BigDecimal maxCostUsd) {
        long nanos = Math.max(1, SpendAmounts.nanos(maxCostUsd));
        long now = clock.millis();
        return counters.reserve(accounts, callId, nanos, now + hold.toMillis(), now).thenCompose(reservation -> {
            if (reservation.outcome() == Outcome.UNSEEDED) {
                return seed(accounts.get(reservation.account())).thenCompose(seeded -> admit(accounts, callId, maxCostUsd));
            }
            return CompletableFuture.completedFuture(admission(accounts, nanos, reservation));
        });
    }

    private static Admission admission(List<SpendAccount> accounts, long nanos, Reservation reservation) {
        if (reservation.outcome() == Outcome.RESERVED) {
            return new Admission(true, accounts, nanos, null, null);
        }
        return new Admission(false, accounts, 0, accounts.get(reservation.account()), reservation.spend());
    }

    /** Replaces an admitted call's reservation by its cost; answers each budget's spend afterwards (null for a counter gone meanwhile). */
    public CompletableFuture<List<Spend>> settle(Admission admission, String callId, BigDecimal costUsd) {
        return counters.settle(admission.accounts(), callId, SpendAmounts.nanos(costUsd));
    }

    /** What the account's budget has spent and holds reserved now. */
    public CompletableFuture<Spend> spend(SpendAccount account) {
        return counters.read(account).thenCompose(found -> found.isPresent() ? CompletableFuture.completedFuture(found.get())
                : seed(account).thenCompose(seeded -> spend(account)));
    }

    private CompletableFuture<Void> seed(SpendAccount account) {
        return CompletableFuture.supplyAsync(() -> SpendAmounts.nanos(spentSoFar.apply(account)), ledgerReads)
                .thenCompose(spent -> counters.seed(account, spent));
    }

    @Override
    public String toString() {
        return "BudgetGuard[" + counters + ", reservations held up to " + hold + "]";
    }
}
