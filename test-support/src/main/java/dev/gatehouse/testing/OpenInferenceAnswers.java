package dev.gatehouse.testing;

import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * What an Open Inference Protocol server (Triton serving the classifier's ONNX file) answers, for
 * tests in which WireMock plays the GPU server that cannot run here.
 */
public final class OpenInferenceAnswers {

    private OpenInferenceAnswers() {
    }

    /** {@code GET /v2/models/{name}}: the ONNX classifier's tensors, INT64 inputs and one FP32 logit per row. */
    public static String metadata(String name) {
        return """
                {"name": "%s", "versions": ["1"], "platform": "onnxruntime_onnx",
                 "inputs": [{"name": "input_ids", "datatype": "INT64", "shape": [-1, -1]},
                            {"name": "attention_mask", "datatype": "INT64", "shape": [-1, -1]},
                            {"name": "token_type_ids", "datatype": "INT64", "shape": [-1, -1]}],
                 "outputs": [{"name": "logits", "datatype": "FP32", "shape": [-1, 1]}]}
                """.formatted(name);
    }

    /** {@code POST /v2/models/{name}/infer}: these logits, one per window. */
    public static String inferAnswer(String name, float... logits) {
        String data = IntStream.range(0, logits.length).mapToObj(i -> String.format(Locale.ROOT, "%.6f", logits[i]))
                .collect(Collectors.joining(", "));
        return """
                {"model_name": "%s", "model_version": "1",
                 "outputs": [{"name": "logits", "datatype": "FP32", "shape": [%d, 1], "data": [%s]}]}
                """.formatted(name, logits.length, data);
    }
}
