package dev.gatehouse.gateway.metering;

import java.math.BigDecimal;

/** The usage of one group (a day, a model, a key or a calling tenant) in a period. */
public record UsageTotal(String group, long requests, long promptTokens, long completionTokens, BigDecimal cost) {

    /** The same usage under another name of its group (a tenant's slug for its id). */
    public UsageTotal regrouped(String name) {
        return new UsageTotal(name, requests, promptTokens, completionTokens, cost);
    }

    public long totalTokens() {
        return promptTokens + completionTokens;
    }
}
