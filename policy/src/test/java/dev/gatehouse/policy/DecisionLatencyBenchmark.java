package dev.gatehouse.policy;

import dev.gatehouse.testing.OpaServer;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

/**
 * Decision latency of both decision points over the decision vectors, warm; run by hand (see the
 * README), never by the test suite. Needs target/policy-build from a previous {@code ./mvnw test}.
 * Besides wall-clock time it reports the calling thread's CPU time per decision, which stays
 * meaningful on a shared, overloaded machine where preemption inflates the wall-clock tail, and
 * the slowest vectors, which decide the tail of the mix. With the argument {@code wasm-only} it
 * skips the OPA server.
 */
public final class DecisionLatencyBenchmark {

    private static final int WARMUP_DECISIONS = 200_000;
    private static final int MEASURED_DECISIONS = 200_000;
    private static final int REMOTE_WARMUP_DECISIONS = 5_000;
    private static final int REMOTE_MEASURED_DECISIONS = 20_000;
    private static final int SLOWEST_VECTORS_SHOWN = 5;

    private DecisionLatencyBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        List<DecisionVector> vectors = DecisionVector.all();
        int threads = Runtime.getRuntime().availableProcessors();

        WasmPolicyDecisionPoint wasm = WasmPolicyDecisionPoint.bundled(threads);
        measure("wasm, 1 thread", wasm, vectors, WARMUP_DECISIONS, MEASURED_DECISIONS);
        measureThroughput("wasm, " + threads + " threads", wasm, vectors, threads, MEASURED_DECISIONS);
        WasmPolicyDecisionPoint remembering = WasmPolicyDecisionPoint.bundled(1, WasmPolicyDecisionPoint.DEFAULT_REMEMBERED_DECISIONS);
        measure("wasm, remembered decisions (gateway default)", remembering, vectors, WARMUP_DECISIONS, MEASURED_DECISIONS);
        if (List.of(args).contains("wasm-only")) {
            return;
        }

        try (OpaServer opa = OpaServer.start(PolicyBuild.moduleDir().resolve("scripts/opa.sh"), PolicyBuild.regoBundle())) {
            RemotePolicyDecisionPoint remote = new RemotePolicyDecisionPoint(opa.url(), Duration.ofSeconds(2));
            measure("remote OPA (loopback), 1 thread", remote, vectors, REMOTE_WARMUP_DECISIONS, REMOTE_MEASURED_DECISIONS);
        }
    }

    private static void measure(String label, PolicyDecisionPoint decisionPoint, List<DecisionVector> vectors, int warmup, int measured) {
        for (int i = 0; i < warmup; i++) {
            decisionPoint.decide(vectors.get(i % vectors.size()).input());
        }
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        long[] wallNanos = new long[measured];
        long[] cpuNanos = new long[measured];
        for (int i = 0; i < measured; i++) {
            PolicyInput input = vectors.get(i % vectors.size()).input();
            long cpuStart = cpu.getCurrentThreadCpuTime();
            long start = System.nanoTime();
            decisionPoint.decide(input);
            wallNanos[i] = System.nanoTime() - start;
            cpuNanos[i] = cpu.getCurrentThreadCpuTime() - cpuStart;
        }
        reportSlowestVectors(label, vectors, wallNanos);
        report(label + ", wall", wallNanos);
        report(label + ", thread CPU", cpuNanos);
    }

    /** Decision i was made on vector i % vectors.size(), so each vector's samples are a stride of the array. */
    private static void reportSlowestVectors(String label, List<DecisionVector> vectors, long[] wallNanos) {
        record VectorLatency(String name, long[] sortedNanos) {
        }
        List<VectorLatency> byMedian = IntStream.range(0, vectors.size())
                .mapToObj(v -> new VectorLatency(vectors.get(v).name(), IntStream.iterate(v, i -> i < wallNanos.length, i -> i + vectors.size())
                        .mapToLong(i -> wallNanos[i]).sorted().toArray()))
                .sorted(Comparator.comparingDouble((VectorLatency vector) -> percentile(vector.sortedNanos(), 0.50)).reversed())
                .toList();
        System.out.printf(Locale.ROOT, "%s, slowest vectors (wall):%n", label);
        for (VectorLatency vector : byMedian.subList(0, Math.min(SLOWEST_VECTORS_SHOWN, byMedian.size()))) {
            System.out.printf(Locale.ROOT, "    p50 %7.1f us  p99 %7.1f us  %s%n",
                    percentile(vector.sortedNanos(), 0.50), percentile(vector.sortedNanos(), 0.99), vector.name());
        }
        VectorLatency fastest = byMedian.get(byMedian.size() - 1);
        System.out.printf(Locale.ROOT, "    fastest: p50 %7.1f us  %s%n", percentile(fastest.sortedNanos(), 0.50), fastest.name());
    }

    private static void report(String label, long[] nanos) {
        Arrays.sort(nanos);
        System.out.printf(Locale.ROOT, "%-44s n=%d  p50 %7.1f us  p99 %7.1f us  p99.9 %7.1f us%n", label, nanos.length,
                percentile(nanos, 0.50), percentile(nanos, 0.99), percentile(nanos, 0.999));
    }

    private static void measureThroughput(String label, PolicyDecisionPoint decisionPoint, List<DecisionVector> vectors,
            int threads, int decisionsPerThread) throws Exception {
        ExecutorService callers = Executors.newFixedThreadPool(threads);
        try {
            long start = System.nanoTime();
            List<Future<?>> running = IntStream.range(0, threads).<Future<?>>mapToObj(t -> callers.submit(() -> {
                for (int i = 0; i < decisionsPerThread; i++) {
                    decisionPoint.decide(vectors.get(i % vectors.size()).input());
                }
            })).toList();
            for (Future<?> caller : running) {
                caller.get();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf(Locale.ROOT, "%-44s %,.0f decisions/s%n", label, threads * decisionsPerThread / seconds);
        } finally {
            callers.shutdown();
            callers.awaitTermination(1, TimeUnit.MINUTES);
        }
    }

    private static double percentile(long[] sortedNanos, double quantile) {
        return sortedNanos[(int) Math.min(sortedNanos.length - 1, Math.ceil(quantile * sortedNanos.length) - 1)] / 1_000.0;
    }
}
