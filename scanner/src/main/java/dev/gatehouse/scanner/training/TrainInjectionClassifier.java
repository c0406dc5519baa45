package dev.gatehouse.scanner.training;

import dev.gatehouse.scanner.LogisticModel;
import dev.gatehouse.scanner.MiniLmEmbedder;
import dev.gatehouse.scanner.MiniLmInjectionClassifier;
import dev.gatehouse.scanner.TextNormalizer;
import dev.gatehouse.scanner.evaluation.LabelledExample;
import dev.gatehouse.scanner.evaluation.LabelledExamples;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Trains the injection classifier: reads every {@code *.jsonl} in the training directories,
 * holds out a development split ({@link DatasetSplit}), embeds the head window (the first
 * {@value #WINDOW_TOKENS} word pieces, in the batch the classifier computes) of each normalised
 * training text with all-MiniLM-L6-v2,
 * picks the L2 strength by 5-fold cross-validated log-loss,
 * sets the decision threshold so that the out-of-fold false-positive rate stays at or under
 * {@value #TARGET_FALSE_POSITIVE_RATE}, fits on all training data and writes the model JSON.
 * Examples in {@code --dev-only} directories are never trained on; they are appended to the
 * development set. Run from the module directory (see README.md).
 */
public final class TrainInjectionClassifier {

    static final int WINDOW_TOKENS = 16;
    static final int DEV_PERCENT = 25;
    static final double TARGET_FALSE_POSITIVE_RATE = 0.05;
    private static final double[] LAMBDAS = {0.01, 0.03, 0.1, 0.3, 1};
    private static final int FOLDS = 5;

    private TrainInjectionClassifier() {
    }

    public static void main(String[] args) throws IOException {
        Map<String, String> options = options(args);
        List<Path> trainDirs = paths(options.getOrDefault("--train", "target/public-data,data/train"));
        List<Path> devOnlyDirs = paths(options.getOrDefault("--dev-only", "data/dev-only"));
        Path modelOut = Path.of(options.getOrDefault("--out", "src/main/resources" + MiniLmInjectionClassifier.MODEL_RESOURCE));
        Path devOut = Path.of(options.getOrDefault("--dev-out", "target/dev-set.jsonl"));
        int windowTokens = Integer.parseInt(options.getOrDefault("--window-tokens", String.valueOf(WINDOW_TOKENS)));

        DatasetSplit split = DatasetSplit.of(readAll(trainDirs), DEV_PERCENT);
        List<LabelledExample> dev = new ArrayList<>(split.dev());
        dev.addAll(readAll(devOnlyDirs));
        LabelledExamples.write(devOut, dev);
        LabelledExamples.write(devOut.resolveSibling("train-set.jsonl"), split.train());
        report("training", split.train());
        report("development", dev);

        List<LabelledExample> train = split.train();
        float[][][] windows = embed(train, windowTokens);
        float[][] x = Arrays.stream(windows).map(w -> w[0]).toArray(float[][]::new);
        int[] y = train.stream().mapToInt(LabelledExample::label).toArray();

        double bestLambda = LAMBDAS[0];
        double bestLoss = Double.POSITIVE_INFINITY;
        double[] bestOutOfFold = null;
        for (double lambda : LAMBDAS) {
            double[] outOfFold = crossValidate(windows, y, lambda);
            double loss = logLoss(outOfFold, y);
            System.out.printf("lambda %.2f: out-of-fold log-loss %.4f%n", lambda, loss);
            if (loss < bestLoss) {
                bestLoss = loss;
                bestLambda = lambda;
                bestOutOfFold = outOfFold;
            }
        }
        double threshold = thresholdFor(bestOutOfFold, y, TARGET_FALSE_POSITIVE_RATE);
        double[] weights = new LogisticRegressionTrainer(bestLambda).fit(x, y);
        LogisticModel model = new LogisticModel("all-MiniLM-L6-v2-q (langchain4j 1.19.0-beta29), mean-pooled", windowTokens,
                Arrays.copyOf(weights, weights.length - 1), weights[weights.length - 1], threshold);
        Files.createDirectories(modelOut.toAbsolutePath().getParent());
        try (OutputStream out = Files.newOutputStream(modelOut)) {
            model.write(out);
        }
        System.out.printf("lambda %.2f, threshold %.4f, written %s%n", bestLambda, threshold, modelOut);
    }

    /** Per example, the embeddings of the windows the classifier scores; the head window first. */
    private static float[][][] embed(List<LabelledExample> examples, int windowTokens) {
        TextNormalizer normalizer = new TextNormalizer();
        try (MiniLmEmbedder embedder = MiniLmEmbedder.load()) {
            float[][][] embedded = new float[examples.size()][][];
            for (int i = 0; i < examples.size(); i++) {
                List<MiniLmInjectionClassifier.Window> windows = MiniLmInjectionClassifier.windows(
                        embedder, normalizer.normalize(examples.get(i).text()).scannable(), windowTokens);
                embedded[i] = embedder.embedWindows(windows.stream().map(MiniLmInjectionClassifier.Window::tokenIds).toList());
                if ((i + 1) % 250 == 0) {
                    System.out.printf("embedded %d/%d%n", i + 1, examples.size());
                }
            }
            return embedded;
        }
    }

    /**
     * Out-of-fold probabilities as the classifier computes them: fitted on head windows, each
     * held-out text scored by its most suspicious window, so the threshold accounts for long texts
     * getting two chances to look like an attack.
     */
    private static double[] crossValidate(float[][][] windows, int[] y, double lambda) {
        double[] outOfFold = new double[y.length];
        for (int fold = 0; fold < FOLDS; fold++) {
            List<Integer> trainIdx = new ArrayList<>();
            for (int i = 0; i < y.length; i++) {
                if (i % FOLDS != fold) {
                    trainIdx.add(i);
                }
            }
            float[][] fx = trainIdx.stream().map(i -> windows[i][0]).toArray(float[][]::new);
            int[] fy = trainIdx.stream().mapToInt(i -> y[i]).toArray();
            double[] w = new LogisticRegressionTrainer(lambda).fit(fx, fy);
            for (int i = fold; i < y.length; i += FOLDS) {
                for (float[] window : windows[i]) {
                    outOfFold[i] = Math.max(outOfFold[i], LogisticRegressionTrainer.probability(w, window));
                }
            }
        }
        return outOfFold;
    }

    /** The lowest threshold whose false-positive rate on benign examples is at most {@code targetFpr}. */
    static double thresholdFor(double[] probabilities, int[] labels, double targetFpr) {
        double[] benign = new double[labels.length];
        int n = 0;
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] == 0) {
                benign[n++] = probabilities[i];
            }
        }
        double[] sorted = Arrays.copyOf(benign, n);
        Arrays.sort(sorted);
        int allowed = (int) Math.floor(targetFpr * n);
        double threshold = sorted[n - 1 - allowed] + 1e-6;
        return Math.min(0.99, Math.max(0.05, threshold));
    }

    private static double logLoss(double[] p, int[] y) {
        double loss = 0;
        for (int i = 0; i < y.length; i++) {
            double q = Math.min(Math.max(p[i], 1e-12), 1 - 1e-12);
            loss -= y[i] == 1 ? Math.log(q) : Math.log(1 - q);
        }
        return loss / y.length;
    }

    private static List<LabelledExample> readAll(List<Path> dirs) throws IOException {
        List<LabelledExample> all = new ArrayList<>();
        for (Path dir : dirs) {
            if (!Files.isDirectory(dir)) {
                throw new IOException("missing data directory " + dir + " (run scripts/fetch-public-data.sh first)");
            }
            try (Stream<Path> files = Files.list(dir)) {
                for (Path file : files.filter(f -> f.toString().endsWith(".jsonl")).sorted().toList()) {
                    all.addAll(LabelledExamples.read(file));
                }
            }
        }
        return all;
    }

    private static void report(String name, List<LabelledExample> examples) {
        Map<String, int[]> bySource = new TreeMap<>();
        for (LabelledExample e : examples) {
            bySource.computeIfAbsent(e.source(), s -> new int[2])[e.label()]++;
        }
        System.out.printf("%s set: %d examples%n", name, examples.size());
        bySource.forEach((source, counts) ->
                System.out.printf("  %-40s benign %4d  injection %4d%n", source, counts[0], counts[1]));
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new TreeMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i], args[i + 1]);
        }
        return options;
    }

    private static List<Path> paths(String commaSeparated) {
        return Arrays.stream(commaSeparated.split(",")).map(String::strip).filter(s -> !s.isEmpty()).map(Path::of).toList();
    }
}
