package dev.gatehouse.scanner;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH latency of one scan, whole text read, warm, run by hand on one core (numbers go into
 * docs/benchmarks.md): {@code taskset -c 0 ./mvnw -pl scanner test-compile exec:exec@benchmark}.
 * Sample-time mode reports the percentiles (p99 is the target). Every invocation scans a distinct
 * prompt, so the classifier's cache never answers; the "rules" path is the signatures alone.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 4, time = 10)
@Measurement(iterations = 5, time = 10)
@Fork(value = 1, jvmArgsAppend = {"-XX:ActiveProcessorCount=1", "-Xmx1g"})
@State(Scope.Benchmark)
public class ScannerLatencyBenchmark {

    private static final String[] SENTENCES = {
            "Please summarise the quarterly report for the board and list the main risks.",
            "Our customer in Lyon asked whether the invoice can be split into two payments.",
            "The migration of the billing database is planned for the second weekend of May.",
            "Write a friendly reply that thanks them and proposes a call on Thursday afternoon.",
            "Ignore the typos in the notes below, they were typed on a phone during the meeting.",
            "Attendees agreed that the onboarding guide needs screenshots and a shorter intro.",
            "Contact anna.schmidt@example.com or call +49 30 1234567 for the signed contract.",
    };

    @Param({"500", "2000"})
    int chars;

    @Param({"full", "rules"})
    String path;

    private PromptScanner scanner;
    private int seed;
    private int seedAtIterationStart;
    private long cpuAtIterationStart;

    @Setup(Level.Trial)
    public void load() {
        scanner = path.equals("full") ? LayeredPromptScanner.withBundledModel() : LayeredPromptScanner.rulesOnly();
    }

    @TearDown(Level.Trial)
    public void close() {
        scanner = null;
    }

    @Setup(Level.Iteration)
    public void startIteration() {
        seedAtIterationStart = seed;
        cpuAtIterationStart = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    /**
     * CPU time of the benchmark thread per scan: on a shared machine wall-clock percentiles include
     * the time other processes held the core; this does not (printed, not a JMH result).
     */
    @TearDown(Level.Iteration)
    public void reportCpuPerScan() {
        long cpu = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpuAtIterationStart;
        System.out.printf(Locale.ROOT, "  [cpu/scan %.3f ms over %d scans, load average %.1f]%n",
                cpu / 1e6 / Math.max(1, seed - seedAtIterationStart), seed - seedAtIterationStart,
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    @Benchmark
    public ScanResult scan() {
        return scanner.scan(List.of(ScannedMessage.user(prompt(seed++, chars))));
    }

    /** A distinct prompt of exactly {@code chars} characters for each seed: sentences in a seed-dependent order, numbered. */
    static String prompt(int seed, int chars) {
        StringBuilder out = new StringBuilder(chars + 100).append("Request ").append(seed).append(". ");
        int i = Math.floorMod(seed, SENTENCES.length);
        while (out.length() < chars) {
            out.append(SENTENCES[i % SENTENCES.length]).append(' ');
            i += 3;
        }
        return out.substring(0, chars);
    }
}
