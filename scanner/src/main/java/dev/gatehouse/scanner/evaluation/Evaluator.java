package dev.gatehouse.scanner.evaluation;

import dev.gatehouse.scanner.PromptScanner;
import dev.gatehouse.scanner.ScannedMessage;
import java.util.ArrayList;
import java.util.List;

/** Runs a scanner over labelled examples, each as a single user message, timing every scan. */
public final class Evaluator {

    static final String[] LENGTH_BUCKETS = {"0-199", "200-499", "500-1999", "2000+"};

    private Evaluator() {
    }

    public static List<ScoredExample> score(PromptScanner scanner, List<LabelledExample> examples) {
        List<ScoredExample> scored = new ArrayList<>(examples.size());
        for (LabelledExample example : examples) {
            long start = System.nanoTime();
            double score = scanner.scan(List.of(ScannedMessage.user(example.text()))).injectionScore();
            scored.add(new ScoredExample(example, score, System.nanoTime() - start));
        }
        return scored;
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
