package dev.gatehouse.scanner.evaluation;

import java.util.Arrays;

/** Nearest-rank percentiles of measured latencies, in milliseconds. */
public record LatencyDistribution(int samples, double p50Millis, double p90Millis, double p99Millis, double maxMillis) {

    public static LatencyDistribution of(long[] nanos) {
        if (nanos.length == 0) {
            return new LatencyDistribution(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return new LatencyDistribution(sorted.length, percentile(sorted, 50), percentile(sorted, 90),
                percentile(sorted, 99), sorted[sorted.length - 1] / 1e6);
    }

    /** Nearest rank: the smallest value with at least {@code p} percent of samples at or below it. */
    static double percentile(long[] sorted, int p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, rank - 1)] / 1e6;
    }
}
