package dev.gatehouse.backends;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class BuiltinBackendServerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static BuiltinBackendServer server;

    @BeforeAll
    static void start() {
        server = BuiltinBackendServer.start("127.0.0.1", 0,
                new ChatSimulatorSettings(Duration.ofMillis(5), Duration.ofMillis(1), 64));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void embedsIntoUnitLength384DimensionalVectors() throws Exception {
        JsonNode body = post(server.embeddingsBaseUrl(), "/embeddings",
                "{\"model\":\"all-minilm-l6-v2\",\"input\":[\"The cat sits on the mat.\",\"Quarterly revenue grew.\"]}").body();

        assertThat(body.get("data")).hasSize(2);
        JsonNode vector = body.get("data").get(0).get("embedding");
        assertThat(vector).hasSize(384);
        double norm = 0;
        for (JsonNode value : vector) {
            norm += value.asDouble() * value.asDouble();
        }
        assertThat(Math.sqrt(norm)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-3));
        assertThat(body.at("/usage/prompt_tokens").asInt()).isPositive();
    }

    @Test
    void paraphrasesAreCloserThanUnrelatedSentences() throws Exception {
        List<float[]> vectors = embed("How do I reset my password?", "What are the steps to change my password?",
                "The volcano erupted last night.");

        assertThat(cosine(vectors.get(0), vectors.get(1))).isGreaterThan(cosine(vectors.get(0), vectors.get(2)) + 0.3);
    }

    @Test
    void base64EncodingCarriesTheSameVector() throws Exception {
        JsonNode floats = post(server.embeddingsBaseUrl(), "/embeddings", "{\"model\":\"m\",\"input\":\"hello world\"}").body();
        JsonNode encoded = post(server.embeddingsBaseUrl(), "/embeddings",
                "{\"model\":\"m\",\"input\":\"hello world\",\"encoding_format\":\"base64\"}").body();

        ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder().decode(encoded.at("/data/0/embedding").asText())).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(bytes.remaining()).isEqualTo(384 * 4);
        assertThat((double) bytes.getFloat(0)).isEqualTo(floats.at("/data/0/embedding/0").asDouble(), org.assertj.core.data.Offset.offset(1e-6));
    }

    @Test
    void refusesTokenArraysAndEmptyInputsWithOpenAiError() throws Exception {
        Reply tokens = post(server.embeddingsBaseUrl(), "/embeddings", "{\"model\":\"m\",\"input\":[[1,2,3]]}");
        Reply empty = post(server.embeddingsBaseUrl(), "/embeddings", "{\"model\":\"m\",\"input\":[]}");

        assertThat(tokens.status()).isEqualTo(400);
        assertThat(tokens.body().at("/error/message").asText()).contains("token arrays");
        assertThat(empty.status()).isEqualTo(400);
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"\"", "\" \"", "\"\\t\"", "\"\\u00a0\"", "\"\\u0000\"", "\"\\u202e\"", "\"\\ud800\"",
            "\"\\u0301\"", "\"\\ufffd\"", "[\"A sentence.\", \" \"]", "[\"A sentence.\", \"\\ue000\"]"})
    void refusesInputsWithNothingToEmbedWithOpenAiError(String input) throws Exception {
        Reply reply = post(server.embeddingsBaseUrl(), "/embeddings", "{\"model\":\"m\",\"input\":" + input + "}");

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.body().at("/error/type").asText()).isEqualTo("invalid_request_error");
        assertThat(reply.body().at("/error/message").asText()).contains("nothing to embed");
    }

    @Test
    void chatSimulatorQuotesTheLastUserMessageAndCountsTokens() throws Exception {
        JsonNode body = post(server.chatBaseUrl(), "/chat/completions",
                "{\"model\":\"chat-simulator\",\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},{\"role\":\"user\",\"content\":\"hello there\"}]}").body();

        assertThat(body.at("/choices/0/message/content").asText()).endsWith("You said: hello there");
        assertThat(body.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        assertThat(body.at("/usage/prompt_tokens").asInt()).isEqualTo(3 + 2 + 3 + 2);
        assertThat(body.at("/usage/completion_tokens").asInt()).isEqualTo(body.at("/choices/0/message/content").asText().split(" ").length);
    }

    @Test
    void chatSimulatorStopsAtMaxTokensWithFinishReasonLength() throws Exception {
        JsonNode body = post(server.chatBaseUrl(), "/chat/completions",
                "{\"model\":\"chat-simulator\",\"max_tokens\":3,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").body();

        assertThat(body.at("/usage/completion_tokens").asInt()).isEqualTo(3);
        assertThat(body.at("/choices/0/finish_reason").asText()).isEqualTo("length");
    }

    @Test
    void chatSimulatorStreamsOneEventPerTokenThenUsageThenDone() throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(server.chatBaseUrl() + "/chat/completions"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"chat-simulator\",\"stream\":true,"
                        + "\"stream_options\":{\"include_usage\":true},\"messages\":[{\"role\":\"user\",\"content\":\"one two\"}]}"))
                .build(), HttpResponse.BodyHandlers.ofString());

        List<String> events = List.of(response.body().split("\n\n"));
        assertThat(response.headers().firstValue("Content-Type")).contains("text/event-stream");
        assertThat(events.get(events.size() - 1)).isEqualTo("data: [DONE]");
        JsonNode usage = JSON.readTree(events.get(events.size() - 2).substring("data: ".length()));
        assertThat(usage.get("choices")).isEmpty();
        assertThat(usage.at("/usage/completion_tokens").asInt()).isEqualTo(events.size() - 4);
    }

    @Test
    void chatSimulatorRefusesMissingMessages() throws Exception {
        Reply reply = post(server.chatBaseUrl(), "/chat/completions", "{\"model\":\"chat-simulator\"}");

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.body().at("/error/message").asText()).contains("messages");
    }

    private static List<float[]> embed(String... texts) throws Exception {
        JsonNode body = post(server.embeddingsBaseUrl(), "/embeddings",
                JSON.writeValueAsString(java.util.Map.of("model", "m", "input", List.of(texts)))).body();
        List<float[]> vectors = new java.util.ArrayList<>();
        for (JsonNode item : body.get("data")) {
            float[] vector = new float[384];
            for (int i = 0; i < vector.length; i++) {
                vector[i] = (float) item.get("embedding").get(i).asDouble();
            }
            vectors.add(vector);
        }
        return vectors;
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0;
        double normA = 0;
        double normB = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            normA += a[i] * a[i];
            normB += b[i] * b[i];
        }
        return dot / Math.sqrt(normA * normB);
    }

    private record Reply(int status, JsonNode body) {
    }

    private static Reply post(URI baseUrl, String path, String json) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(response.statusCode(), JSON.readTree(response.body()));
    }
}
