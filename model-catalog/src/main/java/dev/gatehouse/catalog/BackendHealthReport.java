package dev.gatehouse.catalog;

import java.time.Instant;

/**
 * How one gateway process sees a backend right now, for operators: {@code state} is one of
 * {@code healthy}, {@code ejected}, {@code awaiting_probe}, {@code circuit_open},
 * {@code circuit_half_open}, {@code throttled}; the error rate is over the last
 * {@code recentCalls} calls (0 to 1). Latency, probe and inference-server figures are null until
 * there is one.
 */
public record BackendHealthReport(String state, int inFlight, int maxConcurrentRequests, double recentErrorRate, int recentCalls,
                                  Double meanTimeToFirstByteMillis, Instant ejectedUntil, Instant lastProbeAt, Boolean lastProbeUp,
                                  Double queueLength, Double kvCacheUsage) {

    /** Where reports come from: the gateway of this process, when the catalog's API runs beside one. */
    @FunctionalInterface
    public interface Source {
        BackendHealthReport of(ModelBackend backend);
    }
}
