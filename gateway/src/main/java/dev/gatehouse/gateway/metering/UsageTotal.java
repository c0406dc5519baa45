package dev.gatehouse.gateway.metering;

import java.math.BigDecimal;

/** The usage of one group (a day, a model or a key) in a period. */
public record UsageTotal(String group, long requests, long promptTokens, long completionTokens, BigDecimal cost) {

    public long totalTokens() {
        return promptTokens + completionTokens;
    }
}
