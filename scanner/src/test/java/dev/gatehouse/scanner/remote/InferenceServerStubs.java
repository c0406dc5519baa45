package dev.gatehouse.scanner.remote;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;

import dev.gatehouse.testing.OpenInferenceAnswers;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;

/** What an Open Inference Protocol server (Triton serving our ONNX model) answers, as WireMock plays it. */
final class InferenceServerStubs {

    static final String MODEL = "gatehouse-injection";

    private InferenceServerStubs() {
    }

    static String metadata(String name) {
        return OpenInferenceAnswers.metadata(name);
    }

    static String inferAnswer(float... logits) {
        return OpenInferenceAnswers.inferAnswer(MODEL, logits);
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
