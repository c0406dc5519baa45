package dev.gatehouse.scanner.evaluation;

import java.util.Locale;
import java.util.Map;

/** Quality and latency of the injection detector on one labelled set, split by category and length. */
public record EvaluationReport(double threshold, ConfusionMatrix overall, Map<String, ConfusionMatrix> byCategory,
                               Map<String, ConfusionMatrix> byLength, LatencyDistribution latency,
                               Map<String, LatencyDistribution> latencyByLength) {

    public String toMarkdown() {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "Threshold %.2f%n%n", threshold));
        out.append("| slice | injections | benign | precision | recall | F1 | FPR |\n");
        out.append("|---|---:|---:|---:|---:|---:|---:|\n");
        row(out, "**all**", overall);
        byCategory.forEach((name, m) -> row(out, "category `" + name + "`", m));
        byLength.forEach((name, m) -> row(out, "length " + name, m));
        out.append("\n| latency per prompt | samples | p50 ms | p90 ms | p99 ms | max ms |\n");
        out.append("|---|---:|---:|---:|---:|---:|\n");
        latencyRow(out, "**all**", latency);
        latencyByLength.forEach((name, l) -> latencyRow(out, "length " + name, l));
        return out.toString();
    }

    private static void row(StringBuilder out, String name, ConfusionMatrix m) {
        out.append(String.format(Locale.ROOT, "| %s | %d | %d | %s | %s | %s | %s |%n", name, m.positives(), m.negatives(),
                percent(m.precision()), percent(m.recall()), percent(m.f1()), percent(m.falsePositiveRate())));
    }

    private static void latencyRow(StringBuilder out, String name, LatencyDistribution l) {
        out.append(String.format(Locale.ROOT, "| %s | %d | %.2f | %.2f | %.2f | %.2f |%n", name, l.samples(),
                l.p50Millis(), l.p90Millis(), l.p99Millis(), l.maxMillis()));
    }

    static String percent(double value) {
        return Double.isNaN(value) ? "–" : String.format(Locale.ROOT, "%.1f%%", 100 * value);
    }
}
