package dev.gatehouse.gateway.budgets;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Where budgets' spend is counted: in this process ({@link LocalSpendCounters}, the embedded mode)
 * or in Redis, shared by every replica ({@link RedisSpendCounters}), with the same semantics. Each
 * counter holds what was spent and what is reserved by calls under way; every operation is atomic
 * over all the accounts it is given. A counter that does not exist yet must be {@link #seed seeded}
 * (from the usage ledger) before calls can reserve on it.
 */
public interface SpendCounters extends AutoCloseable {

    /**
     * Reserves {@code nanos} on every account for the call {@code callId}, if each has that much
     * left under its limit; otherwise on none. A reservation not settled by {@code holdUntilMillis}
     * (epoch millis: its call has surely ended, its gateway may have died) is released.
     */
    CompletableFuture<Reservation> reserve(List<SpendAccount> accounts, String callId, long nanos, long holdUntilMillis, long nowMillis);

    /** Releases the call's reservation and adds what it really cost; answers each account's spend afterwards. */
    CompletableFuture<List<Spend>> settle(List<SpendAccount> accounts, String callId, long nanos);

    /** Creates the account's counter with what was already spent in its period, unless it exists. */
    CompletableFuture<Void> seed(SpendAccount account, long spentNanos);

    /** The account's counter, if it exists. */
    CompletableFuture<Optional<Spend>> read(SpendAccount account);

    @Override
    default void close() {
    }

    /** What an account has spent in its period and holds reserved for calls under way. */
    record Spend(long spentNanos, long reservedNanos) {
    }

    /** {@code account}: the index of the account that refused or needs seeding; {@code spend}: its counter then. */
    record Reservation(Outcome outcome, int account, Spend spend) {

        static final Reservation RESERVED = new Reservation(Outcome.RESERVED, -1, null);
    }

    enum Outcome { RESERVED, REFUSED, UNSEEDED }
}
