package dev.gatehouse.scanner.remote;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;

import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;

/** What an Open Inference Protocol server (Triton serving our ONNX model) answers, as WireMock plays it. */
final class InferenceServerStubs {

    static final String MODEL = "gatehouse-injection";

    private InferenceServerStubs() {
    }

    /** Triton's metadata of the ONNX classifier: three INT64 inputs, one FP32 logit per row. */
    static String metadata(String name) {
        return """
                {"name": "%s", "versions": ["1"], "platform": "onnxruntime_onnx",
                 "inputs": [{"name": "input_ids", "datatype": "INT64", "shape": [-1, -1]},
                            {"name": "attention_mask", "datatype": "INT64", "shape": [-1, -1]},
                            {"name": "token_type_ids", "datatype": "INT64", "shape": [-1, -1]}],
                 "outputs": [{"name": "logits", "datatype": "FP32", "shape": [-1, 1]}]}
                """.formatted(name);
    }

    static String inferAnswer(float... logits) {
        String data = IntStream.range(0, logits.length).mapToObj(i -> String.format(Locale.ROOT, "%.6f", logits[i]))
                .collect(Collectors.joining(", "));
        return """
                {"model_name": "%s", "model_version": "1",
                 "outputs": [{"name": "logits", "datatype": "FP32", "shape": [%d, 1], "data": [%s]}]}
                """.formatted(MODEL, logits.length, data);
    }

    static void servesMetadata(WireMockServer server) {
        server.stubFor(get("/v2/models/" + MODEL).willReturn(okJson(metadata(MODEL))));
    }

    static String inferPath() {
        return "/v2/models/" + MODEL + "/infer";
    }

    static ResponseDefinitionBuilder status(int status, String body) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body);
    }
}
