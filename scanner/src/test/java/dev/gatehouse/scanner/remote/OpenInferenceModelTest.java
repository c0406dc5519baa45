package dev.gatehouse.scanner.remote;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.gatehouse.scanner.remote.RemoteClassifierException.Failure;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static dev.gatehouse.scanner.remote.InferenceServerStubs.MODEL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OpenInferenceModelTest {

    private final WireMockServer server = new WireMockServer(options().dynamicPort());
    private OpenInferenceModel model;

    @BeforeEach
    void start() {
        server.start();
        model = new OpenInferenceModel(new JavaHttpTransport(), URI.create(server.baseUrl() + "/v2"), MODEL);
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    @Test
    void sendsWindowsAsTheProtocolsInt64TensorsAndReadsOneLogitPerWindow() throws Exception {
        InferenceServerStubs.servesMetadata(server);
        server.stubFor(post(InferenceServerStubs.inferPath()).willReturn(okJson(InferenceServerStubs.inferAnswer(1.5f, -2.25f))));

        float[] logits = model.logits(List.of(new long[] {7592}, new long[] {2088, 999})).get(10, TimeUnit.SECONDS);

        assertThat(logits).containsExactly(1.5f, -2.25f);
        server.verify(postRequestedFor(urlEqualTo(InferenceServerStubs.inferPath())).withRequestBody(equalToJson("""
                {"inputs": [
                   {"name": "input_ids", "shape": [2, 4], "datatype": "INT64", "data": [101, 7592, 102, 0, 101, 2088, 999, 102]},
                   {"name": "attention_mask", "shape": [2, 4], "datatype": "INT64", "data": [1, 1, 1, 0, 1, 1, 1, 1]},
                   {"name": "token_type_ids", "shape": [2, 4], "datatype": "INT64", "data": [0, 0, 0, 0, 0, 0, 0, 0]}],
                 "outputs": [{"name": "logits"}]}
                """)));
    }

    @Test
    void readsTheMetadataOnceForEveryLaterBatch() throws Exception {
        InferenceServerStubs.servesMetadata(server);
        server.stubFor(post(InferenceServerStubs.inferPath()).willReturn(okJson(InferenceServerStubs.inferAnswer(0.5f))));

        model.logits(List.<long[]>of(new long[] {7592})).get(10, TimeUnit.SECONDS);
        model.logits(List.<long[]>of(new long[] {7592})).get(10, TimeUnit.SECONDS);

        server.verify(1, getRequestedFor(urlEqualTo("/v2/models/" + MODEL)));
    }

    @Test
    void refusesAServerWhoseMetadataNamesAnotherModel() {
        server.stubFor(get("/v2/models/" + MODEL).willReturn(okJson(InferenceServerStubs.metadata("someone-elses-classifier"))));

        assertFailsWith(Failure.WRONG_MODEL);
        server.verify(0, postRequestedFor(urlEqualTo(InferenceServerStubs.inferPath())));
    }

    @Test
    void aServerThatDoesNotHaveTheModelServesAnotherOne() {
        server.stubFor(get("/v2/models/" + MODEL).willReturn(InferenceServerStubs.status(404, "{\"error\": \"unknown model\"}")));

        assertFailsWith(Failure.WRONG_MODEL);
    }

    @Test
    void aFiveHundredIsAServerError() {
        InferenceServerStubs.servesMetadata(server);
        server.stubFor(post(InferenceServerStubs.inferPath()).willReturn(InferenceServerStubs.status(503, "{\"error\": \"busy\"}")));

        assertFailsWith(Failure.SERVER_ERROR);
    }

    @Test
    void malformedJsonIsAMalformedAnswer() {
        InferenceServerStubs.servesMetadata(server);
        server.stubFor(post(InferenceServerStubs.inferPath()).willReturn(InferenceServerStubs.status(200, "{\"outputs\": [{\"name\": ")));

        assertFailsWith(Failure.MALFORMED_ANSWER);
    }

    @Test
    void fewerLogitsThanWindowsIsAMalformedAnswer() {
        InferenceServerStubs.servesMetadata(server);
        server.stubFor(post(InferenceServerStubs.inferPath()).willReturn(okJson(InferenceServerStubs.inferAnswer(0.5f))));

        assertThatThrownBy(() -> model.logits(List.of(new long[] {1}, new long[] {2})).get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOfSatisfying(RemoteClassifierException.class, e -> assertThat(e.failure()).isEqualTo(Failure.MALFORMED_ANSWER));
    }

    private void assertFailsWith(Failure failure) {
        assertThatThrownBy(() -> model.logits(List.<long[]>of(new long[] {7592})).get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOfSatisfying(RemoteClassifierException.class, e -> assertThat(e.failure()).isEqualTo(failure));
    }
}
