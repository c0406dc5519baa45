package dev.gatehouse.scanner.evaluation;

import dev.gatehouse.scanner.PromptScanner;
import dev.gatehouse.scanner.ScannedMessage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Runs a scanner over labelled examples, each as a single user message, timing every scan. */
public final class Evaluator {

    static final String[] LENGTH_BUCKETS = {"0-199", "200-499", "500-1999", "2000+"};

    private Evaluator() {
    }

    public static EvaluationReport evaluate(PromptScanner scanner, double threshold, List<LabelledExample> examples) {
        ConfusionMatrix overall = new ConfusionMatrix();
        Map<String, ConfusionMatrix> byCategory = new TreeMap<>();
        Map<String, ConfusionMatrix> byLength = new TreeMap<>();
        long[] nanos = new long[examples.size()];
        Map<String, List<Long>> nanosByLength = new HashMap<>();
        for (int i = 0; i < examples.size(); i++) {
            LabelledExample example = examples.get(i);
            long start = System.nanoTime();
            double score = scanner.scan(List.of(ScannedMessage.user(example.text()))).injectionScore();
            nanos[i] = System.nanoTime() - start;
            boolean predicted = score >= threshold;
            String bucket = lengthBucket(example.text().length());
            overall.add(predicted, example.isInjection());
            byCategory.computeIfAbsent(example.category(), c -> new ConfusionMatrix()).add(predicted, example.isInjection());
            byLength.computeIfAbsent(bucket, b -> new ConfusionMatrix()).add(predicted, example.isInjection());
            nanosByLength.computeIfAbsent(bucket, b -> new ArrayList<>()).add(nanos[i]);
        }
        Map<String, LatencyDistribution> latencyByLength = new TreeMap<>();
        nanosByLength.forEach((bucket, list) ->
                latencyByLength.put(bucket, LatencyDistribution.of(list.stream().mapToLong(Long::longValue).toArray())));
        return new EvaluationReport(threshold, overall, byCategory, byLength, LatencyDistribution.of(nanos), latencyByLength);
    }

    static String lengthBucket(int length) {
        if (length < 200) {
            return LENGTH_BUCKETS[0];
        }
        if (length < 500) {
            return LENGTH_BUCKETS[1];
        }
        return length < 2000 ? LENGTH_BUCKETS[2] : LENGTH_BUCKETS[3];
    }
}
