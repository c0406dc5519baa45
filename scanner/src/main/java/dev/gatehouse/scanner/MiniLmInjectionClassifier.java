package dev.gatehouse.scanner;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Logistic regression over all-MiniLM-L6-v2 (quantised ONNX, in-process) sentence embeddings.
 *
 * <p>MiniLM costs about 0.15 ms of one core per word piece, so a text is never embedded whole:
 * its head window and, for longer texts, its tail window ({@link LogisticModel#windowTokens()}
 * word pieces each; attacks sit at the start of a prompt or are appended to a document) go
 * through the model in one batch, and the higher score wins. Rules read the whole text. Scores are
 * cached by window set because system prompts and retrieved documents repeat across requests.
 * Thread-safe; construct once.
 */
public final class MiniLmInjectionClassifier implements InjectionClassifier {

    public static final String MODEL_RESOURCE = "/dev/gatehouse/scanner/injection-classifier.json";
    private static final int CACHE_ENTRIES = 4096;
    /** Characters tokenised to fill a window: more than enough for its word pieces in any script. */
    private static final int CHARS_PER_WINDOW_TOKEN = 10;

    private final LogisticModel model;
    private final MiniLmEmbedder embedder;
    private final Map<List<Window>, Double> cache = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<List<Window>, Double> eldest) {
            return size() > CACHE_ENTRIES;
        }
    };

    public MiniLmInjectionClassifier(LogisticModel model, MiniLmEmbedder embedder) {
        this.model = model;
        this.embedder = embedder;
    }

    /** The classifier with the trained model committed in this module. Loads the ONNX model. */
    public static MiniLmInjectionClassifier withBundledModel() {
        return new MiniLmInjectionClassifier(bundledModel(), MiniLmEmbedder.load());
    }

    public static LogisticModel bundledModel() {
        try (InputStream in = MiniLmInjectionClassifier.class.getResourceAsStream(MODEL_RESOURCE)) {
            if (in == null) {
                throw new ScannerException(ScannerException.Code.MODEL_UNAVAILABLE, "bundled classifier model is missing");
            }
            return LogisticModel.read(in);
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
        List<Window> windows = windows(embedder, normalizedText, model.windowTokens());
        Double cached;
        synchronized (cache) {
            cached = cache.get(windows);
        }
        if (cached == null) {
            double best = 0;
            for (float[] embedding : embedder.embedWindows(windows.stream().map(Window::tokenIds).toList())) {
                best = Math.max(best, model.probability(embedding));
            }
            cached = best;
            synchronized (cache) {
                cache.put(windows, cached);
            }
        }
        return model.calibrated(cached);
    }

    /**
     * The head window of the text and, when the text has more word pieces than one window holds,
     * its tail window. Only the characters that can fill a window are tokenised.
     */
    public static List<Window> windows(MiniLmEmbedder embedder, String text, int windowTokens) {
        String trimmed = text.strip();
        if (trimmed.isEmpty()) {
            trimmed = ".";
        }
        int span = windowTokens * CHARS_PER_WINDOW_TOKEN;
        boolean fitsOneSpan = trimmed.length() <= span;
        long[] head = embedder.tokenIds(fitsOneSpan ? trimmed : trimmed.substring(0, span));
        if (fitsOneSpan && head.length <= windowTokens) {
            return List.of(new Window(head));
        }
        long[] tail = fitsOneSpan ? head : embedder.tokenIds(trimmed.substring(trimmed.length() - span));
        return List.of(new Window(Arrays.copyOf(head, Math.min(head.length, windowTokens))),
                new Window(Arrays.copyOfRange(tail, Math.max(0, tail.length - windowTokens), tail.length)));
    }

    /** Word-piece ids of one window, compared by value (the cache key). */
    public record Window(long[] tokenIds) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Window w && Arrays.equals(tokenIds, w.tokenIds);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(tokenIds);
        }

        @Override
        public String toString() {
            return "Window" + Arrays.toString(tokenIds);
        }
    }
}
