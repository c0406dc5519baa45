package dev.gatehouse.gateway.limits;

import io.github.bucket4j.ConsumptionProbe;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

/**
 * Counts a call against the requests and tokens per minute of every party it is made for (its
 * tenant, and its key when the key carries lower limits of its own). Tokens are reserved before
 * the call, as its estimate, and settled with the real count afterwards: the difference is given
 * back, or taken as a debt that later calls wait out. A call is admitted only if every bucket had
 * room; the reservations of a refused call are returned, so a refusal costs nobody anything
 * (while it is undone, a concurrent call may be refused that would have fitted: limits err on the
 * side of holding).
 */
public final class RateLimiter {

    private final LimitBuckets buckets;

    public RateLimiter(LimitBuckets buckets) {
        this.buckets = buckets;
    }

    /** Someone a call is counted against: {@code name} is stable and unique, e.g. {@code tenant:<id>}. */
    public record Party(String name, RateLimits limits) {
    }

    /** One limit as the caller is told about it: what it is, what remains, and when it is full again. */
    public record Quota(long limit, long remaining, long nanosToReset) {
    }

    /** Which limit refused a call. */
    public enum Exhausted { REQUESTS, TOKENS }

    /**
     * The outcome of {@link #admit}: the binding request and token limits (the ones with least
     * room), and, for a refusal, what refused it and how long to wait ({@code neverFits}: the call
     * alone needs more tokens than a minute allows, so waiting does not help).
     */
    public record Admission(boolean admitted, Quota requests, Quota tokens, Exhausted exhausted, long retryAfterNanos,
                            boolean neverFits, List<MinuteBucket> tokenBuckets, long reservedTokens) {
    }

    public CompletableFuture<Admission> admit(List<Party> parties, long estimatedTokens) {
        long reserved = Math.max(1, estimatedTokens);
        List<MinuteBucket> requestBuckets = parties.stream().map(party -> new MinuteBucket(party.name() + ":rpm", party.limits().requestsPerMinute())).toList();
        List<MinuteBucket> tokenBuckets = parties.stream().map(party -> new MinuteBucket(party.name() + ":tpm", party.limits().tokensPerMinute())).toList();
        List<CompletableFuture<ConsumptionProbe>> requestProbes = requestBuckets.stream().map(bucket -> buckets.tryConsume(bucket, 1)).toList();
        List<CompletableFuture<ConsumptionProbe>> tokenProbes = tokenBuckets.stream().map(bucket -> buckets.tryConsume(bucket, reserved)).toList();
        List<CompletableFuture<ConsumptionProbe>> all = new ArrayList<>(requestProbes);
        all.addAll(tokenProbes);
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).thenCompose(done -> {
            List<ConsumptionProbe> requests = requestProbes.stream().map(CompletableFuture::join).toList();
            List<ConsumptionProbe> tokens = tokenProbes.stream().map(CompletableFuture::join).toList();
            boolean requestsFit = requests.stream().allMatch(ConsumptionProbe::isConsumed);
            boolean tokensFit = tokens.stream().allMatch(ConsumptionProbe::isConsumed);
            Quota requestQuota = binding(requestBuckets, requests);
            Quota tokenQuota = binding(tokenBuckets, tokens);
            if (requestsFit && tokensFit) {
                return CompletableFuture.completedFuture(new Admission(true, requestQuota, tokenQuota, null, 0, false, tokenBuckets, reserved));
            }
            List<CompletableFuture<Void>> undo = new ArrayList<>();
            undo.addAll(giveBackConsumed(requestBuckets, requests, 1));
            undo.addAll(giveBackConsumed(tokenBuckets, tokens, reserved));
            boolean neverFits = tokenBuckets.stream().anyMatch(bucket -> bucket.capacity() < reserved);
            long retryAfter = all.stream().map(CompletableFuture::join).filter(probe -> !probe.isConsumed())
                    .mapToLong(ConsumptionProbe::getNanosToWaitForRefill).max().orElse(0);
            Admission refusal = new Admission(false, requestQuota, tokenQuota, requestsFit ? Exhausted.TOKENS : Exhausted.REQUESTS,
                    retryAfter, neverFits, tokenBuckets, 0);
            return CompletableFuture.allOf(undo.toArray(CompletableFuture[]::new)).thenApply(undone -> refusal);
        });
    }

    /** Settles an admitted call's token reservation with the tokens it really used. */
    public CompletableFuture<Void> settle(Admission admission, long usedTokens) {
        if (!admission.admitted()) {
            return CompletableFuture.completedFuture(null);
        }
        long difference = usedTokens - admission.reservedTokens();
        if (difference == 0) {
            return CompletableFuture.completedFuture(null);
        }
        return CompletableFuture.allOf(admission.tokenBuckets().stream()
                .map(bucket -> difference > 0 ? buckets.consumeRegardless(bucket, difference) : buckets.giveBack(bucket, -difference))
                .toArray(CompletableFuture[]::new));
    }

    private List<CompletableFuture<Void>> giveBackConsumed(List<MinuteBucket> buckets, List<ConsumptionProbe> probes, long tokens) {
        return IntStream.range(0, buckets.size()).filter(index -> probes.get(index).isConsumed())
                .mapToObj(index -> this.buckets.giveBack(buckets.get(index), tokens)).toList();
    }

    private static Quota binding(List<MinuteBucket> buckets, List<ConsumptionProbe> probes) {
        return IntStream.range(0, buckets.size())
                .mapToObj(index -> new Quota(buckets.get(index).capacity(), Math.max(0, probes.get(index).getRemainingTokens()),
                        probes.get(index).getNanosToWaitForReset()))
                .min(Comparator.comparingLong(Quota::remaining))
                .orElseThrow();
    }

    @Override
    public String toString() {
        return "RateLimiter[" + buckets + "]";
    }
}
