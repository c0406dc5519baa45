package dev.gatehouse.scanner.evaluation;

import dev.gatehouse.scanner.LayeredPromptScanner;
import dev.gatehouse.scanner.PromptScanner;
import dev.gatehouse.scanner.ScannedMessage;
import java.nio.file.Path;
import java.util.List;

/**
 * Command line: {@code EvaluateInjectionDetector <file.jsonl> [--rules-only] [--threshold 0.5]}.
 * Prints precision, recall, F1 and false-positive rate by category and length bucket, and the
 * latency distribution, as Markdown. The scanner is warmed up on generated text first (not on the
 * evaluated examples, so the classifier's cache does not flatter the latency).
 */
public final class EvaluateInjectionDetector {

    private static final int WARM_UP_SCANS = 300;

    private EvaluateInjectionDetector() {
    }

    public static void main(String[] args) {
        if (args.length == 0) {
            System.err.println("usage: EvaluateInjectionDetector <file.jsonl> [--rules-only] [--threshold 0.5]");
            System.exit(2);
        }
        Path file = Path.of(args[0]);
        boolean rulesOnly = List.of(args).contains("--rules-only");
        double threshold = 0.5;
        for (int i = 1; i < args.length - 1; i++) {
            if (args[i].equals("--threshold")) {
                threshold = Double.parseDouble(args[i + 1]);
            }
        }
        List<LabelledExample> examples = LabelledExamples.read(file);
        PromptScanner scanner = rulesOnly ? LayeredPromptScanner.rulesOnly() : LayeredPromptScanner.withBundledModel();
        warmUp(scanner);
        EvaluationReport report = Evaluator.evaluate(scanner, threshold, examples);
        System.out.println("Detector: " + (rulesOnly ? "rules only" : "rules + MiniLM classifier")
                + ", file " + file.getFileName() + ", " + examples.size() + " examples");
        System.out.println(report.toMarkdown());
    }

    private static void warmUp(PromptScanner scanner) {
        for (int i = 0; i < WARM_UP_SCANS; i++) {
            String text = ("Warm-up request number " + i + " asks for a short summary of topic " + (i * 7919 % 1000) + ". ")
                    .repeat(1 + i % 20);
            scanner.scan(List.of(ScannedMessage.user(text)));
        }
    }
}
