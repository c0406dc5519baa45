package dev.gatehouse.scanner.evaluation;

import dev.gatehouse.scanner.LayeredPromptScanner;
import dev.gatehouse.scanner.PromptScanner;
import dev.gatehouse.scanner.ScannedMessage;
import dev.gatehouse.scanner.ScannerException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Command line: {@code EvaluateInjectionDetector [file.jsonl|dir ...] [--rules-only] [--threshold 0.5] [--readme README.md]}.
 * Scores every example that is not training data (role other than {@code train}) with the whole
 * scanner and prints {@link EvaluationReport} as Markdown; with {@code --readme} it also replaces
 * the part of that file between {@value #BEGIN} and {@value #END}. Directories contribute their
 * {@code *.jsonl} files. The scanner is warmed up on generated text first (not on the evaluated
 * examples, so the classifier's cache does not flatter the latency).
 */
public final class EvaluateInjectionDetector {

    static final String BEGIN = "<!-- evaluation:begin -->";
    static final String END = "<!-- evaluation:end -->";
    private static final int WARM_UP_SCANS = 300;
    private static final List<String> DEFAULT_INPUTS = List.of("target/public-data", "data/dev-only");

    private EvaluateInjectionDetector() {
    }

    public static void main(String[] args) throws IOException {
        List<String> inputs = new ArrayList<>();
        boolean rulesOnly = false;
        double threshold = 0.5;
        Path readme = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rules-only" -> rulesOnly = true;
                case "--threshold" -> threshold = Double.parseDouble(args[++i]);
                case "--readme" -> readme = Path.of(args[++i]);
                default -> inputs.add(args[i]);
            }
        }
        List<LabelledExample> examples = read(inputs.isEmpty() ? DEFAULT_INPUTS : inputs);
        PromptScanner scanner = rulesOnly ? LayeredPromptScanner.rulesOnly() : LayeredPromptScanner.withBundledModel();
        warmUp(scanner);
        String markdown = "Detector: " + (rulesOnly ? "rules only" : "rules + fine-tuned MiniLM classifier") + ", "
                + examples.size() + " examples\n" + EvaluationReport.of(Evaluator.score(scanner, examples), threshold).toMarkdown();
        System.out.println(markdown);
        if (readme != null) {
            Files.writeString(readme, replaced(Files.readString(readme, StandardCharsets.UTF_8), markdown), StandardCharsets.UTF_8);
        }
    }

    /** Every non-training example of the files and directories given. */
    static List<LabelledExample> read(List<String> inputs) throws IOException {
        List<LabelledExample> examples = new ArrayList<>();
        for (String input : inputs) {
            Path path = Path.of(input);
            List<Path> files;
            if (Files.isDirectory(path)) {
                try (Stream<Path> listed = Files.list(path)) {
                    files = listed.filter(p -> p.getFileName().toString().endsWith(".jsonl")).sorted().toList();
                }
            } else {
                files = List.of(path);
            }
            for (Path file : files) {
                LabelledExamples.read(file).stream().filter(e -> !e.role().equals("train")).forEach(examples::add);
            }
        }
        return examples;
    }

    static String replaced(String document, String markdown) {
        int begin = document.indexOf(BEGIN);
        int end = document.indexOf(END);
        if (begin < 0 || end < begin) {
            throw new ScannerException(ScannerException.Code.DATASET_INVALID, "the README has no " + BEGIN + " … " + END + " section");
        }
        return document.substring(0, begin + BEGIN.length()) + "\n" + markdown.strip() + "\n" + document.substring(end);
    }

    private static void warmUp(PromptScanner scanner) {
        for (int i = 0; i < WARM_UP_SCANS; i++) {
            String text = ("Warm-up request number " + i + " asks for a short summary of topic " + (i * 7919 % 1000) + ". ")
                    .repeat(1 + i % 20);
            scanner.scan(List.of(ScannedMessage.user(text)));
        }
    }
}
