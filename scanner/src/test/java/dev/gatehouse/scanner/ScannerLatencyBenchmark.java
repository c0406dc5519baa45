package dev.gatehouse.scanner;

import com.sun.management.OperatingSystemMXBean;
import dev.gatehouse.scanner.evaluation.LatencyDistribution;
import java.lang.management.CompilationMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Latency of one scan of a 2,000-character prompt, warm, run by hand (numbers go into README.md):
 * {@code taskset -c 0 ./mvnw -pl scanner test-compile exec:exec@benchmark}, optionally with
 * {@code -Dbenchmark.paths="full classifier"} to measure only the named paths, in that order. Every measured prompt
 * is distinct, so the classifier's window cache never answers; the cached case is measured apart.
 */
public final class ScannerLatencyBenchmark {

    private static final int PROMPT_CHARS = 2_000;
    private static final int MIN_WARM_UP = 5_000;
    private static final int MAX_WARM_UP = 30_000;
    private static final int WARM_UP_ROUND = 500;
    /** Measured and warm-up prompts differ but are numbered alike (six digits), so both take the same paths. */
    private static final int MEASURED_SEEDS = 100_000;
    private static final int WARM_UP_SEEDS = 200_000;
    private static final int MEASURED = 2_000;
    private static final String[] SENTENCES = {
            "Please summarise the quarterly report for the board and list the main risks.",
            "Our customer in Lyon asked whether the invoice can be split into two payments.",
            "The migration of the billing database is planned for the second weekend of May.",
            "Write a friendly reply that thanks them and proposes a call on Thursday afternoon.",
            "Ignore the typos in the notes below, they were typed on a phone during the meeting.",
            "Attendees agreed that the onboarding guide needs screenshots and a shorter intro.",
            "Contact anna.schmidt@example.com or call +49 30 1234567 for the signed contract.",
    };

    private ScannerLatencyBenchmark() {
    }

    public static void main(String[] args) {
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        System.out.printf(Locale.ROOT, "%d available processor(s), load average %.2f%n",
                Runtime.getRuntime().availableProcessors(), os.getSystemLoadAverage());
        TextNormalizer normalizer = new TextNormalizer();
        PersonalDataDetector pii = new PersonalDataDetector();
        PromptScanner rulesOnly = LayeredPromptScanner.rulesOnly();
        PromptScanner full = LayeredPromptScanner.withBundledModel();
        MiniLmInjectionClassifier classifier = MiniLmInjectionClassifier.withBundledModel();
        String repeated = prompt(-1);
        Map<String, Consumer<String>> paths = new LinkedHashMap<>();
        paths.put("normalisation", normalizer::normalize);
        paths.put("personal-data", pii::find);
        paths.put("rules", p -> rulesOnly.scan(List.of(ScannedMessage.user(p))));
        paths.put("classifier", classifier::score);
        paths.put("full", p -> full.scan(List.of(ScannedMessage.user(p))));
        paths.put("full-cached", p -> full.scan(List.of(ScannedMessage.user(repeated))));
        List<String> chosen = args.length == 0 ? List.copyOf(paths.keySet()) : List.of(args);
        for (String path : chosen) {
            if (!paths.containsKey(path)) {
                throw new IllegalArgumentException("unknown path " + path + "; known: " + paths.keySet());
            }
            measure(path, os, paths.get(path));
        }
    }

    private static void measure(String name, OperatingSystemMXBean os, Consumer<String> scan) {
        int warmUps = warmUp(scan);
        long[] nanos = new long[MEASURED];
        long gcCountBefore = gcCount();
        long gcMillisBefore = gcMillis();
        long jitMillisBefore = ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
        long cpuBefore = os.getProcessCpuTime();
        for (int i = 0; i < MEASURED; i++) {
            String prompt = prompt(MEASURED_SEEDS + i);
            long start = System.nanoTime();
            scan.accept(prompt);
            nanos[i] = System.nanoTime() - start;
        }
        double cpuMillis = (os.getProcessCpuTime() - cpuBefore) / 1e6 / MEASURED;
        long jitMillis = ManagementFactory.getCompilationMXBean().getTotalCompilationTime() - jitMillisBefore;
        LatencyDistribution l = LatencyDistribution.of(nanos);
        System.out.printf(Locale.ROOT, "%-14s p50 %7.3f ms  p90 %7.3f ms  p99 %7.3f ms  max %7.3f ms  cpu/scan %7.3f ms"
                        + "  gc %d (%d ms)  jit %d ms  warm-up %d%n",
                name, l.p50Millis(), l.p90Millis(), l.p99Millis(), l.maxMillis(), cpuMillis,
                gcCount() - gcCountBefore, gcMillis() - gcMillisBefore, jitMillis, warmUps);
    }

    /**
     * Scans until the JIT has stopped compiling: a round of scans without compilation, after at
     * least {@value #MIN_WARM_UP}. On one core the compiler threads share the core with the scans,
     * so measuring while they still work measures the compiler, not a warm scanner.
     */
    private static int warmUp(Consumer<String> scan) {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        int scans = 0;
        long compiledBefore;
        do {
            compiledBefore = jit.getTotalCompilationTime();
            for (int i = 0; i < WARM_UP_ROUND; i++, scans++) {
                scan.accept(prompt(WARM_UP_SEEDS + scans));
            }
        } while ((scans < MIN_WARM_UP || jit.getTotalCompilationTime() > compiledBefore) && scans < MAX_WARM_UP);
        return scans;
    }

    private static long gcCount() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream().mapToLong(GarbageCollectorMXBean::getCollectionCount).sum();
    }

    private static long gcMillis() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream().mapToLong(GarbageCollectorMXBean::getCollectionTime).sum();
    }

    /** A distinct 2,000-character prompt for each seed: sentences in a seed-dependent order, numbered. */
    static String prompt(int seed) {
        StringBuilder out = new StringBuilder(PROMPT_CHARS + 100).append("Request ").append(seed).append(". ");
        int i = Math.floorMod(seed, SENTENCES.length);
        while (out.length() < PROMPT_CHARS) {
            out.append(SENTENCES[i % SENTENCES.length]).append(' ');
            i += 3;
        }
        return out.substring(0, PROMPT_CHARS);
    }
}
