package dev.gatehouse.gateway.budgets;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Spend counters in this process, for the embedded mode (one gateway). One lock guards them all,
 * so a reservation over a tenant's and a key's budget is atomic; the work under it is a few map
 * operations. A counter untouched for a day is forgotten and seeded again from the usage ledger,
 * which by then holds every call it counted.
 */
public final class LocalSpendCounters implements SpendCounters {

    private static final Duration IDLE = Duration.ofDays(1);

    private final Cache<String, Counter> counters = Caffeine.newBuilder().expireAfterAccess(IDLE).build();

    private static final class Counter {
        long spent;
        long reserved;
        final Map<String, Hold> holds = new HashMap<>();

        Counter(long spent) {
            this.spent = spent;
        }

        void releaseExpired(long nowMillis) {
            holds.values().removeIf(hold -> {
                if (hold.untilMillis() > nowMillis) {
                    return false;
                }
                reserved -= hold.nanos();
                return true;
            });
        }

        Spend spend() {
            return new Spend(spent, reserved);
        }
    }

    private record Hold(long nanos, long untilMillis) {
    }

    @Override
    public synchronized CompletableFuture<Reservation> reserve(List<SpendAccount> accounts, String callId, long nanos, long holdUntilMillis,
                                                               long nowMillis) {
        Counter[] found = new Counter[accounts.size()];
        for (int i = 0; i < accounts.size(); i++) {
            found[i] = counters.getIfPresent(accounts.get(i).counterName());
            if (found[i] == null) {
                return CompletableFuture.completedFuture(new Reservation(Outcome.UNSEEDED, i, null));
            }
        }
        for (int i = 0; i < accounts.size(); i++) {
            Counter counter = found[i];
            counter.releaseExpired(nowMillis);
            if (counter.spent + counter.reserved + nanos > accounts.get(i).limitNanos()) {
                return CompletableFuture.completedFuture(new Reservation(Outcome.REFUSED, i, counter.spend()));
            }
        }
        for (Counter counter : found) {
            counter.holds.put(callId, new Hold(nanos, holdUntilMillis));
            counter.reserved += nanos;
        }
        return CompletableFuture.completedFuture(Reservation.RESERVED);
    }

    @Override
    public synchronized CompletableFuture<List<Spend>> settle(List<SpendAccount> accounts, String callId, long nanos) {
        return CompletableFuture.completedFuture(accounts.stream().map(account -> {
            Counter counter = counters.getIfPresent(account.counterName());
            if (counter == null) {
                return null;
            }
            Hold hold = counter.holds.remove(callId);
            if (hold != null) {
                counter.reserved -= hold.nanos();
            }
            counter.spent += nanos;
            return counter.spend();
        }).toList());
    }

    @Override
    public synchronized CompletableFuture<Void> seed(SpendAccount account, long spentNanos) {
        counters.get(account.counterName(), name -> new Counter(spentNanos));
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public synchronized CompletableFuture<Optional<Spend>> read(SpendAccount account) {
        return CompletableFuture.completedFuture(Optional.ofNullable(counters.getIfPresent(account.counterName())).map(Counter::spend));
    }

    @Override
    public String toString() {
        return "in memory";
    }
}
