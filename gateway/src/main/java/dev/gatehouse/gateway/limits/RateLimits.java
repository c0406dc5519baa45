package dev.gatehouse.gateway.limits;

import dev.gatehouse.tenant.Plan;

/** Requests and tokens per minute that one party (a tenant, or one of its keys) may use. */
public record RateLimits(long requestsPerMinute, long tokensPerMinute) {

    public RateLimits {
        if (requestsPerMinute < 1 || tokensPerMinute < 1) {
            throw new IllegalArgumentException("limits are at least one per minute");
        }
    }

    public static RateLimits of(Plan plan) {
        return new RateLimits(plan.requestsPerMinute(), plan.tokensPerMinute());
    }
}
