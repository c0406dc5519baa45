package dev.gatehouse.scanner;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;

/**
 * What the training program ({@code scripts/train_classifier.py}) writes beside the ONNX model: the
 * model's file name and SHA-256, the window it was trained on ({@code windowTokens} word pieces,
 * a new window every {@code strideTokens}) and the logit threshold chosen on the calibration data,
 * which maps to score 0.5. Its training record (seed, versions) is kept in the file for people.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ClassifierDescriptor(String model, String sha256, String base, int windowTokens, int strideTokens,
                                   double threshold) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public ClassifierDescriptor {
        if (model == null || model.isBlank() || model.contains("/")) {
            throw new ScannerException(ScannerException.Code.MODEL_INVALID, "descriptor names no model file beside it");
        }
        if (sha256 == null || !sha256.matches("[0-9a-f]{64}")) {
            throw new ScannerException(ScannerException.Code.MODEL_INVALID, "descriptor has no SHA-256 of the model");
        }
        if (windowTokens <= 0 || windowTokens > 510 || strideTokens <= 0 || strideTokens > windowTokens) {
            throw new ScannerException(ScannerException.Code.MODEL_INVALID,
                    "window must be 1-510 word pieces and the stride at most the window");
        }
        if (!Double.isFinite(threshold)) {
            throw new ScannerException(ScannerException.Code.MODEL_INVALID, "descriptor threshold must be finite");
        }
    }

    public static ClassifierDescriptor read(InputStream json) {
        try {
            return JSON.readValue(json, ClassifierDescriptor.class);
        } catch (IOException e) {
            throw new ScannerException(ScannerException.Code.MODEL_INVALID, "classifier descriptor is not readable JSON", e);
        }
    }

    /** A text's score from its windows' logits, wherever they were computed: the most suspicious window decides. */
    public double scoreOf(float[] windowLogits) {
        double highest = Double.NEGATIVE_INFINITY;
        for (float logit : windowLogits) {
            highest = Math.max(highest, logit);
        }
        return calibrated(highest);
    }

    /** The score of a window's logit: the threshold maps to 0.5, so policies share one scale. */
    public double calibrated(double logit) {
        return 1 / (1 + Math.exp(-(logit - threshold)));
    }
}
