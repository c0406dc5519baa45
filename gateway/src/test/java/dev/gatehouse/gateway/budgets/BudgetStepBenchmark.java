package dev.gatehouse.gateway.budgets;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * The work the budget step adds to one call, in isolation and warm, run by hand (numbers go into
 * docs/benchmarks.md): reserve the greatest cost on the tenant's and the key's budgets, settle with
 * the real cost. Counters in memory, or in the Redis named by the first argument
 * ({@code redis://127.0.0.1:6379}). Latency per call (p50, p99) and this thread's CPU per call;
 * Redis's own CPU is not included.
 */
public final class BudgetStepBenchmark {

    private static final int WARM_UP = 20_000;
    private static final int MEASURED = 20_000;
    private static final BigDecimal GREATEST = new BigDecimal("0.0012");
    private static final BigDecimal COST = new BigDecimal("0.000345678");

    private BudgetStepBenchmark() {
    }

    public static void main(String[] args) {
        try (SpendCounters counters = args.length == 0 ? new LocalSpendCounters() : RedisSpendCounters.connect(URI.create(args[0]), Duration.ofSeconds(1))) {
            BudgetGuard guard = new BudgetGuard(counters, account -> BigDecimal.ZERO, Runnable::run, Clock.systemUTC(), Duration.ofMinutes(10));
            UUID tenant = UUID.randomUUID();
            Instant now = Instant.now();
            List<SpendAccount> accounts = List.of(SpendAccount.of(tenant, null, new Budget(Budget.MAX_LIMIT_USD, BudgetPeriod.MONTHLY), now),
                    SpendAccount.of(tenant, "kbench", new Budget(Budget.MAX_LIMIT_USD, BudgetPeriod.MONTHLY), now));
            for (int call = 0; call < WARM_UP; call++) {
                oneCall(guard, accounts, "warm-" + call);
            }
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            long[] nanos = new long[MEASURED];
            long cpuBefore = threads.getCurrentThreadCpuTime();
            for (int call = 0; call < MEASURED; call++) {
                long started = System.nanoTime();
                oneCall(guard, accounts, "call-" + call);
                nanos[call] = System.nanoTime() - started;
            }
            long cpu = threads.getCurrentThreadCpuTime() - cpuBefore;
            Arrays.sort(nanos);
            System.out.printf("%s: p50 %.1f µs, p99 %.1f µs, CPU %.1f µs per call%n", counters, nanos[MEASURED / 2] / 1000.0,
                    nanos[MEASURED * 99 / 100] / 1000.0, cpu / 1000.0 / MEASURED);
        }
    }

    private static void oneCall(BudgetGuard guard, List<SpendAccount> accounts, String callId) {
        BudgetGuard.Admission admission = guard.admit(accounts, callId, GREATEST).join();
        guard.settle(admission, callId, COST).join();
    }
}
