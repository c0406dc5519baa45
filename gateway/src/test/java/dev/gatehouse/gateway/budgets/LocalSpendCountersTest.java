package dev.gatehouse.gateway.budgets;

/** The counters of the embedded mode keep the contract. */
class LocalSpendCountersTest extends SpendCountersContract {

    private final LocalSpendCounters counters = new LocalSpendCounters();

    @Override
    SpendCounters counters() {
        return counters;
    }
}
