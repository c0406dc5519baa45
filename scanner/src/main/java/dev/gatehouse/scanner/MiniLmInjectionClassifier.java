package dev.gatehouse.scanner;

import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Logistic regression over all-MiniLM-L6-v2 (quantised ONNX, in-process) sentence embeddings.
 *
 * <p>The embedding costs milliseconds per hundred characters, so a text is never embedded whole:
 * only its head window and, for longer texts, its tail window are scored (attacks sit at the start
 * of a prompt or are appended to a document), and the higher score wins. Window scores are cached
 * because system prompts and retrieved documents repeat across requests. Thread-safe; construct once
 * (loading the ONNX model takes about a second).
 */
public final class MiniLmInjectionClassifier implements InjectionClassifier {

    public static final String MODEL_RESOURCE = "/dev/gatehouse/scanner/injection-classifier.json";
    private static final int CACHE_ENTRIES = 4096;

    private final LogisticModel model;
    private final EmbeddingModel embedder;
    private final Map<String, Double> cache = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Double> eldest) {
            return size() > CACHE_ENTRIES;
        }
    };

    public MiniLmInjectionClassifier(LogisticModel model) {
        this(model, new AllMiniLmL6V2QuantizedEmbeddingModel());
    }

    MiniLmInjectionClassifier(LogisticModel model, EmbeddingModel embedder) {
        this.model = model;
        this.embedder = embedder;
    }

    /** The classifier with the trained model committed in this module. */
    public static MiniLmInjectionClassifier withBundledModel() {
        try (InputStream in = MiniLmInjectionClassifier.class.getResourceAsStream(MODEL_RESOURCE)) {
            if (in == null) {
                throw new ScannerException(ScannerException.Code.MODEL_UNAVAILABLE, "bundled classifier model is missing");
            }
            return new MiniLmInjectionClassifier(LogisticModel.read(in));
        } catch (IOException e) {
            throw new ScannerException(ScannerException.Code.MODEL_UNAVAILABLE, "bundled classifier model is unreadable", e);
        }
    }

    @Override
    public String id() {
        return "classifier.minilm";
    }

    @Override
    public double score(String normalizedText) {
        double best = 0;
        for (String window : windows(normalizedText, model.windowChars())) {
            best = Math.max(best, model.calibrated(windowProbability(window)));
        }
        return best;
    }

    private double windowProbability(String window) {
        synchronized (cache) {
            Double cached = cache.get(window);
            if (cached != null) {
                return cached;
            }
        }
        double p = model.probability(embed(window));
        synchronized (cache) {
            cache.put(window, p);
        }
        return p;
    }

    private float[] embed(String window) {
        return embedder.embed(window.isBlank() ? "." : window).content().vector();
    }

    /** Head window, plus the tail window when the text is longer than one window. */
    public static java.util.List<String> windows(String text, int windowChars) {
        String trimmed = text.strip();
        if (trimmed.length() <= windowChars) {
            return java.util.List.of(trimmed);
        }
        return java.util.List.of(trimmed.substring(0, windowChars), trimmed.substring(trimmed.length() - windowChars));
    }
}
