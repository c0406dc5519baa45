package dev.gatehouse.scanner;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * Logistic regression over a sentence embedding: {@code p = sigmoid(w·x + b)}, with the decision
 * threshold chosen at training time. Serialised as a small JSON document. Immutable.
 */
public record LogisticModel(String embedding, int windowTokens, double[] coefficients, double bias, double threshold) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public LogisticModel {
        if (coefficients == null || coefficients.length == 0) {
            throw new ScannerException(ScannerException.Code.MODEL_INVALID, "model has no coefficients");
        }
        if (!(threshold > 0 && threshold < 1)) {
            throw new ScannerException(ScannerException.Code.MODEL_INVALID, "model threshold must be in (0, 1)");
        }
        if (windowTokens <= 0) {
            throw new ScannerException(ScannerException.Code.MODEL_INVALID, "model window must be positive");
        }
        coefficients = coefficients.clone();
    }

    public static LogisticModel read(InputStream json) {
        try {
            return JSON.readValue(json, LogisticModel.class);
        } catch (IOException e) {
            throw new ScannerException(ScannerException.Code.MODEL_INVALID, "classifier model is not readable JSON", e);
        }
    }

    public void write(OutputStream out) throws IOException {
        JSON.writerWithDefaultPrettyPrinter().writeValue(out, this);
    }

    public int dimensions() {
        return coefficients.length;
    }

    @Override
    public double[] coefficients() {
        return coefficients.clone();
    }

    /** Probability that the embedded text is an injection. */
    public double probability(float[] embedding) {
        if (embedding.length != coefficients.length) {
            throw new ScannerException(ScannerException.Code.MODEL_INVALID,
                    "embedding has " + embedding.length + " dimensions, model expects " + coefficients.length);
        }
        double z = bias;
        for (int i = 0; i < coefficients.length; i++) {
            z += coefficients[i] * embedding[i];
        }
        return sigmoid(z);
    }

    /** Rescales a probability so that this model's threshold maps to 0.5 (policies share one scale). */
    public double calibrated(double probability) {
        double p = Math.min(Math.max(probability, 1e-9), 1 - 1e-9);
        return sigmoid(logit(p) - logit(threshold));
    }

    static double sigmoid(double z) {
        return 1 / (1 + Math.exp(-z));
    }

    private static double logit(double p) {
        return Math.log(p / (1 - p));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LogisticModel m && embedding.equals(m.embedding) && windowTokens == m.windowTokens
                && Arrays.equals(coefficients, m.coefficients) && bias == m.bias && threshold == m.threshold;
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(coefficients) + Double.hashCode(bias);
    }

    @Override
    public String toString() {
        return "LogisticModel[" + embedding + ", " + coefficients.length + " dims, window " + windowTokens
                + ", threshold " + threshold + "]";
    }
}
