package dev.gatehouse.scanner.evaluation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Quality of the injection detector per role of the data (dev, calibration, in-distribution), and
 * within each per source and (for the development data) per category: recall and false-positive
 * rate at the threshold, recall at 1 %, 2 % and 5 % false positives on the role's pooled benign
 * texts, ROC AUC; and the scan latency by text length.
 */
public record EvaluationReport(double threshold, List<Section> sections, LatencyDistribution latency,
                               Map<String, LatencyDistribution> latencyByLength) {

    static final double[] FALSE_POSITIVE_RATES = {0.01, 0.02, 0.05};
    /** A slice with fewer benign texts than this is ranked against its role's pooled benign texts. */
    static final int OWN_BENIGN_FOR_AUC = 20;
    private static final List<String> ROLE_ORDER = List.of("dev", "calibration", "indist");

    /** One role's slices; {@code operatingThresholds} are the thresholds for {@link #FALSE_POSITIVE_RATES}. */
    public record Section(String role, double[] operatingThresholds, List<Slice> slices) {
    }

    /** {@code aucAgainstPooled}: the slice's injections were ranked against the role's pooled benign texts. */
    public record Slice(String name, ConfusionMatrix atThreshold, double[] recallAtFalsePositiveRates, double rocAuc,
                        boolean aucAgainstPooled) {
    }

    public static EvaluationReport of(List<ScoredExample> scored, double threshold) {
        Map<String, List<ScoredExample>> byRole = scored.stream().collect(Collectors.groupingBy(s -> s.example().role()));
        List<Section> sections = new ArrayList<>();
        byRole.keySet().stream()
                .sorted(Comparator.comparingInt((String r) -> ROLE_ORDER.contains(r) ? ROLE_ORDER.indexOf(r) : ROLE_ORDER.size())
                        .thenComparing(Function.identity()))
                .forEach(role -> sections.add(section(role, byRole.get(role), threshold)));
        Map<String, List<Long>> nanosByLength = new TreeMap<>();
        for (ScoredExample s : scored) {
            nanosByLength.computeIfAbsent(Evaluator.lengthBucket(s.example().text().length()), b -> new ArrayList<>()).add(s.nanos());
        }
        Map<String, LatencyDistribution> latencyByLength = new TreeMap<>();
        nanosByLength.forEach((bucket, list) -> latencyByLength.put(bucket, LatencyDistribution.of(longs(list))));
        return new EvaluationReport(threshold, sections,
                LatencyDistribution.of(scored.stream().mapToLong(ScoredExample::nanos).toArray()), latencyByLength);
    }

    private static Section section(String role, List<ScoredExample> examples, double threshold) {
        double[] pooledBenign = scores(examples, false);
        double[] operating = new double[FALSE_POSITIVE_RATES.length];
        for (int i = 0; i < operating.length; i++) {
            operating[i] = OperatingPoints.thresholdAt(pooledBenign, FALSE_POSITIVE_RATES[i]);
        }
        List<Slice> slices = new ArrayList<>();
        slices.add(slice("**all**", examples, threshold, operating, pooledBenign));
        grouped(examples, e -> e.source()).forEach((source, list) ->
                slices.add(slice("source `" + source + "`", list, threshold, operating, pooledBenign)));
        if (role.equals("dev")) {
            grouped(examples, e -> e.category()).forEach((category, list) ->
                    slices.add(slice("category `" + category + "`", list, threshold, operating, pooledBenign)));
        }
        return new Section(role, operating, slices);
    }

    private static Map<String, List<ScoredExample>> grouped(List<ScoredExample> examples, Function<LabelledExample, String> key) {
        return examples.stream().collect(Collectors.groupingBy(s -> key.apply(s.example()), TreeMap::new, Collectors.toList()));
    }

    private static Slice slice(String name, List<ScoredExample> examples, double threshold, double[] operating, double[] pooledBenign) {
        ConfusionMatrix matrix = new ConfusionMatrix();
        examples.forEach(s -> matrix.add(s.score() >= threshold, s.example().isInjection()));
        double[] injections = scores(examples, true);
        double[] recall = new double[operating.length];
        for (int i = 0; i < operating.length; i++) {
            double t = operating[i];
            recall[i] = injections.length == 0 ? Double.NaN
                    : (double) Arrays.stream(injections).filter(s -> s >= t).count() / injections.length;
        }
        double[] benign = scores(examples, false);
        boolean pooled = benign.length < OWN_BENIGN_FOR_AUC;
        return new Slice(name, matrix, recall, OperatingPoints.rocAuc(injections, pooled ? pooledBenign : benign), pooled);
    }

    private static double[] scores(List<ScoredExample> examples, boolean injections) {
        return examples.stream().filter(s -> s.example().isInjection() == injections).mapToDouble(ScoredExample::score).toArray();
    }

    private static long[] longs(List<Long> list) {
        return list.stream().mapToLong(Long::longValue).toArray();
    }

    public String toMarkdown() {
        StringBuilder out = new StringBuilder();
        for (Section section : sections) {
            out.append(String.format(Locale.ROOT, "%n**%s** (threshold %.2f; the 1 / 2 / 5 %% FPR thresholds on its pooled benign texts: %s)%n%n",
                    section.role(), threshold, thresholds(section.operatingThresholds())));
            out.append("| slice | injections | benign | recall | FPR | recall @1 % FPR | @2 % | @5 % | ROC AUC |\n");
            out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            for (Slice s : section.slices()) {
                ConfusionMatrix m = s.atThreshold();
                out.append(String.format(Locale.ROOT, "| %s | %d | %d | %s | %s | %s | %s | %s | %s |%n", s.name(), m.positives(),
                        m.negatives(), percent(m.recall()), m.negatives() == 0 ? "–" : percent(m.falsePositiveRate()),
                        percent(s.recallAtFalsePositiveRates()[0]), percent(s.recallAtFalsePositiveRates()[1]),
                        percent(s.recallAtFalsePositiveRates()[2]),
                        Double.isNaN(s.rocAuc()) ? "–" : String.format(Locale.ROOT, "%.3f%s", s.rocAuc(), s.aucAgainstPooled() ? "†" : "")));
            }
        }
        out.append("\n† ranked against the section's pooled benign texts (the slice has fewer than ")
                .append(OWN_BENIGN_FOR_AUC).append(" of its own).\n");
        out.append("\n| latency per prompt | samples | p50 ms | p90 ms | p99 ms | max ms |\n");
        out.append("|---|---:|---:|---:|---:|---:|\n");
        latencyRow(out, "**all**", latency);
        latencyByLength.forEach((name, l) -> latencyRow(out, "length " + name, l));
        return out.toString();
    }

    private static String thresholds(double[] values) {
        return Arrays.stream(values).mapToObj(v -> String.format(Locale.ROOT, "%.3f", Math.min(v, 1.0)))
                .collect(Collectors.joining(" / "));
    }

    private static void latencyRow(StringBuilder out, String name, LatencyDistribution l) {
        out.append(String.format(Locale.ROOT, "| %s | %d | %.2f | %.2f | %.2f | %.2f |%n", name, l.samples(),
                l.p50Millis(), l.p90Millis(), l.p99Millis(), l.maxMillis()));
    }

    static String percent(double value) {
        return Double.isNaN(value) ? "–" : String.format(Locale.ROOT, "%.1f%%", 100 * value);
    }
}
