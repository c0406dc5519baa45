package dev.gatehouse.standalone.fuzz;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.gatehouse.catalog.ModelKind;
import dev.gatehouse.standalone.RecordingBackends;
import dev.gatehouse.standalone.TestCatalog;
import dev.gatehouse.standalone.TestKeys;
import dev.gatehouse.standalone.fuzz.HostileBodies.Body;
import dev.gatehouse.testing.HostileText;
import dev.gatehouse.testing.RandomJson;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

/**
 * The OpenAI-compatible endpoints under hostile chat, Responses API, text completion, rerank and
 * embeddings bodies (and stored responses read and deleted) (wrong types for every field, odd roles, items and content parts, tool calls
 * and function outputs, stream flags, blank and Unicode-edge inputs, JSON
 * that is truncated, trailing or nested too deep) and headers (Content-Type, Accept, X-Request-Id,
 * X-Gatehouse-Purpose, Authorization, large ones within the limits). Every answer is a 2xx, a
 * documented 4xx problem or a backend's own OpenAI error passed through; none is a 5xx, none
 * hangs; afterwards the gateway still answers a chat and lists its models. Bounded and
 * reproducible like {@link AdminApiFuzzTest}; the endpoints take turns at random, so that a run cut
 * short by its time budget still reaches each.
 */
@FuzzedMarketplace
class OpenAiEndpointsFuzzTest {

    private static final String TARGET = "openai-endpoints";
    private static final long SEED = 20_250_101L;
    private static final int REQUESTS = 1100;
    private static final Duration BUDGET = Duration.ofSeconds(50);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** A reranker on a remote server (a recording stand-in), since Gatehouse ships none of its own. */
    private static final String RERANKER = "fuzz-reranker";
    private static final String RANKED = "{\"id\":\"rerank-1\",\"model\":\"upstream-fuzz-reranker\",\"usage\":{\"total_tokens\":9},"
            + "\"results\":[{\"index\":0,\"relevance_score\":0.5}]}";
    private static final List<String> CREDENTIALS = List.of("developer", "developer", "developer", "developer", "developer", "developer",
            "developer", "none", "invalid");
    private static final List<String> ROLES = List.of("system", "user", "user", "assistant", "tool", "developer", "function", "", "USER", "root");
    private static final List<String> PURPOSES = List.of("general", "customer_support", "", "General", "a b", "x".repeat(200), "../general");
    private static final List<String> AUTHORIZATIONS = List.of("Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "bearer ${developer-token}",
            "Bearer ${developer-token} extra", "Bearer  ${developer-token}", "Token ${developer-token}", "Bearer gatehouse_", "Bearer gatehouse_x_y");

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;

    /** An endpoint, its share of the requests, and its valid bodies. */
    private record Endpoint(String method, String path, int share, BodyShape valid) {
        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    private interface BodyShape {
        ObjectNode next(Random random);
    }

    @Test
    void answersEveryRequestWithA2xxOrADocumentedErrorWithinTheTimeLimitAndStaysHealthy() throws Exception {
        WireMockServer reranker = RecordingBackends.startedServer();
        reranker.stubFor(post(urlEqualTo("/v1/rerank")).willReturn(okJson(RANKED)));
        TestCatalog.platformModel(context, RERANKER, ModelKind.RERANK, "a recorded reranker", "1", "0",
                TestCatalog.recordedBackend(reranker, RERANKER));
        String token = TestKeys.developerKey(context, "fuzz-openai", null).token();
        Map<String, String> fixtures = Map.of("developer-token", token);
        Map<String, String> tokens = Map.of("developer", token, "invalid", AdminWorld.INVALID_KEY);
        Fuzzer fuzzer = new Fuzzer(TARGET, base(), AnswerContract.ofModelEndpoints());

        for (FuzzRequest request : Fuzzer.corpus(TARGET)) {
            fuzzer.replay(request.resolved(fixtures), tokens.get(request.credential()), fixtures);
        }
        List<Endpoint> endpoints = List.of(
                new Endpoint("POST", "/v1/chat/completions", 12, OpenAiEndpointsFuzzTest::chat),
                new Endpoint("POST", "/v1/embeddings", 9, OpenAiEndpointsFuzzTest::embeddings),
                new Endpoint("POST", "/v1/responses", 10, OpenAiEndpointsFuzzTest::responses),
                new Endpoint("POST", "/v1/completions", 5, OpenAiEndpointsFuzzTest::completion),
                new Endpoint("POST", "/v1/rerank", 5, OpenAiEndpointsFuzzTest::rerank),
                new Endpoint("GET", "/v1/responses/resp_fuzz", 1, random -> NODES.objectNode()),
                new Endpoint("DELETE", "/v1/responses/resp_fuzz", 1, random -> NODES.objectNode()),
                new Endpoint("GET", "/v1/models", 1, random -> NODES.objectNode()),
                new Endpoint("GET", "/v1/models/chat-simulator", 1, random -> NODES.objectNode()),
                new Endpoint("GET", "/v1/models/no%2Fsuch-model", 1, random -> NODES.objectNode()));
        List<Endpoint> weighted = endpoints.stream().flatMap(endpoint -> Collections.nCopies(endpoint.share(), endpoint).stream()).toList();
        Random random = new Random(SEED);
        for (int n = 0; n < REQUESTS && !fuzzer.exhausted(BUDGET); n++) {
            Endpoint endpoint = HostileHttp.pick(weighted, random);
            FuzzRequest request = request(endpoint, random).resolved(fixtures);
            fuzzer.send(endpoint.toString(), request, tokens.get(request.credential()), fixtures);
        }
        reranker.stop();
        fuzzer.keepFailures();
        System.out.println("Fuzz figures, " + fuzzer.figures());

        HttpResponse<String> chat = send(HttpRequest.newBuilder(URI.create(base() + "/v1/chat/completions"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"chat-simulator\",\"messages\":[{\"role\":\"user\",\"content\":\"still there?\"}]}")));
        HttpResponse<String> models = send(HttpRequest.newBuilder(URI.create(base() + "/v1/models")).header("Authorization", "Bearer " + token).GET());
        SoftAssertions.assertSoftly(softly -> {
            softly.assertThat(fuzzer.operations()).as("endpoints fuzzed").hasSize(endpoints.size());
            softly.assertThat(fuzzer.failures()).withFailMessage(fuzzer.summary()).isEmpty();
            softly.assertThat(chat.statusCode()).as("a chat after the run: %s", chat.body()).isEqualTo(200);
            softly.assertThat(models.statusCode()).as("GET /v1/models after the run").isEqualTo(200);
        });
    }

    private static FuzzRequest request(Endpoint endpoint, Random random) {
        Body body = endpoint.method().equals("GET")
                ? (random.nextInt(8) == 0 ? HostileBodies.mutated(RandomJson.object(random, 2), random) : new Body("no body", new byte[0]))
                : random.nextInt(10) < 3 ? HostileBodies.valid(endpoint.valid().next(random), random) : HostileBodies.mutated(endpoint.valid().next(random), random);
        String query = random.nextInt(12) == 0 ? "?" + HostileHttp.queryValue(random) + "=" + HostileHttp.queryValue(random) : "";
        FuzzRequest request = HostileHttp.withHostileHeaders(
                new FuzzRequest(body.mutation(), endpoint.method(), endpoint.path() + query, List.of(), body.bytes(), HostileHttp.pick(CREDENTIALS, random)),
                body.bytes().length > 0, random);
        if (random.nextInt(6) == 0) {
            String purpose = random.nextBoolean() ? HostileHttp.pick(PURPOSES, random) : HostileHttp.headerValue(random);
            request = request.withHeader("X-Gatehouse-Purpose", purpose).alsoMutated("X-Gatehouse-Purpose " + HostileText.escaped(purpose));
        }
        if (random.nextInt(15) == 0) {
            String authorization = HostileHttp.pick(AUTHORIZATIONS, random);
            request = request.withHeader("Authorization", authorization).alsoMutated("Authorization " + authorization);
        }
        return request;
    }

    private static ObjectNode chat(Random random) {
        ObjectNode body = NODES.objectNode().put("model", "chat-simulator");
        ArrayNode messages = body.putArray("messages");
        for (int i = 1 + random.nextInt(4); i > 0; i--) {
            messages.add(message(random));
        }
        if (random.nextInt(3) == 0) {
            body.put("stream", true);
            if (random.nextBoolean()) {
                body.putObject("stream_options").put("include_usage", random.nextBoolean());
            }
        }
        if (random.nextInt(3) == 0) {
            body.put("max_tokens", 1 + random.nextInt(64));
        }
        if (random.nextInt(4) == 0) {
            body.put("temperature", random.nextInt(21) / 10.0).put("top_p", random.nextInt(11) / 10.0);
        }
        if (random.nextInt(5) == 0) {
            body.putArray("stop").add("\n").add(HostileText.next(random, 2));
        }
        if (random.nextInt(5) == 0) {
            body.putArray("tools").addObject().put("type", "function").putObject("function")
                    .put("name", "lookup").put("description", HostileText.next(random, 4)).putObject("parameters").put("type", "object");
            body.put("tool_choice", random.nextBoolean() ? "auto" : "none");
        }
        if (random.nextInt(6) == 0) {
            body.putObject("response_format").put("type", random.nextBoolean() ? "json_object" : "text");
        }
        if (random.nextInt(6) == 0) {
            body.put("user", HostileText.next(random, 3)).put("seed", random.nextInt()).put("n", 1);
        }
        return body;
    }

    private static ObjectNode message(Random random) {
        ObjectNode message = NODES.objectNode().put("role", random.nextInt(4) == 0 ? HostileHttp.pick(ROLES, random) : "user");
        switch (random.nextInt(6)) {
            case 0 -> {
                ArrayNode parts = message.putArray("content");
                parts.addObject().put("type", "text").put("text", HostileText.next(random, 8));
                if (random.nextBoolean()) {
                    parts.addObject().put("type", "image_url").putObject("image_url").put("url", "data:image/png;base64,iVBORw0KGgo=");
                }
                if (random.nextBoolean()) {
                    parts.addObject().put("type", HostileText.next(random, 2)).put("text", HostileText.next(random, 2));
                }
            }
            case 1 -> {
                message.put("role", "assistant").putNull("content");
                message.putArray("tool_calls").addObject().put("id", "call_" + random.nextInt(1000)).put("type", "function")
                        .putObject("function").put("name", "lookup").put("arguments", RandomJson.oneLine(RandomJson.object(random, 2)));
            }
            case 2 -> message.put("role", "tool").put("tool_call_id", "call_" + random.nextInt(1000)).put("content", HostileText.next(random, 6));
            case 3 -> message.put("content", new String[] {" ", "\u00a0", "\u200b", "\t\n", "", "\u3000"}[random.nextInt(6)]);
            default -> message.put("content", HostileText.next(random, 12));
        }
        if (random.nextInt(8) == 0) {
            message.put("name", HostileText.next(random, 2));
        }
        return message;
    }

    private static ObjectNode responses(Random random) {
        ObjectNode body = NODES.objectNode().put("model", "chat-simulator");
        if (random.nextInt(3) == 0) {
            body.put("input", HostileText.next(random, 10));
        } else {
            ArrayNode items = body.putArray("input");
            for (int i = 1 + random.nextInt(4); i > 0; i--) {
                items.add(responsesItem(random));
            }
        }
        if (random.nextInt(3) == 0) {
            body.put("instructions", HostileText.next(random, 6));
        }
        if (random.nextInt(3) == 0) {
            body.put("stream", true);
        }
        if (random.nextInt(4) == 0) {
            ObjectNode tool = body.putArray("tools").addObject().put("type", random.nextInt(4) == 0 ? "web_search" : "function")
                    .put("name", "lookup").put("description", HostileText.next(random, 4));
            tool.putObject("parameters").put("type", "object");
            body.put("tool_choice", HostileHttp.pick(List.of("auto", "none", "required", "lookup"), random));
        }
        if (random.nextInt(5) == 0) {
            ObjectNode format = body.putObject("text").putObject("format")
                    .put("type", HostileHttp.pick(List.of("text", "json_object", "json_schema", "grammar"), random));
            if (format.get("type").asText().equals("json_schema")) {
                format.put("name", "answer").putObject("schema").put("type", "object");
            }
        }
        if (random.nextInt(6) == 0) {
            body.put(HostileHttp.pick(List.of("store", "background"), random), random.nextBoolean());
        }
        if (random.nextInt(8) == 0) {
            body.put(HostileHttp.pick(List.of("previous_response_id", "truncation", "reasoning", "include"), random), HostileText.next(random, 2));
        }
        if (random.nextInt(4) == 0) {
            body.put("max_output_tokens", 1 + random.nextInt(64)).put("temperature", random.nextInt(21) / 10.0);
        }
        return body;
    }

    private static ObjectNode responsesItem(Random random) {
        return switch (random.nextInt(6)) {
            case 0 -> NODES.objectNode().put("type", "function_call").put("call_id", "call_" + random.nextInt(1000)).put("name", "lookup")
                    .put("arguments", RandomJson.oneLine(RandomJson.object(random, 2)));
            case 1 -> NODES.objectNode().put("type", "function_call_output").put("call_id", "call_" + random.nextInt(1000))
                    .put("output", HostileText.next(random, 6));
            case 2 -> {
                ObjectNode message = NODES.objectNode().put("role", HostileHttp.pick(List.of("user", "assistant", "developer", "system", "tool"), random));
                ArrayNode parts = message.putArray("content");
                parts.addObject().put("type", HostileHttp.pick(List.of("input_text", "output_text", "input_file"), random))
                        .put("text", HostileText.next(random, 8));
                if (random.nextBoolean()) {
                    parts.addObject().put("type", "input_image").put("image_url", "data:image/png;base64,iVBORw0KGgo=");
                }
                yield message;
            }
            case 3 -> NODES.objectNode().put("type", HostileHttp.pick(List.of("reasoning", "item_reference", "message", ""), random))
                    .put("id", HostileText.next(random, 2));
            default -> NODES.objectNode().put("role", random.nextInt(4) == 0 ? HostileHttp.pick(ROLES, random) : "user")
                    .put("content", HostileText.next(random, 12));
        };
    }

    private static ObjectNode completion(Random random) {
        ObjectNode body = NODES.objectNode().put("model", "chat-simulator");
        if (random.nextBoolean()) {
            body.put("prompt", HostileText.next(random, 10));
        } else {
            ArrayNode prompts = body.putArray("prompt");
            for (int i = 1 + random.nextInt(3); i > 0; i--) {
                if (random.nextInt(6) == 0) {
                    prompts.add(random.nextInt(50_000));
                } else {
                    prompts.add(HostileText.next(random, 6));
                }
            }
        }
        if (random.nextInt(3) == 0) {
            body.put("stream", true);
            if (random.nextBoolean()) {
                body.putObject("stream_options").put("include_usage", random.nextBoolean());
            }
        }
        if (random.nextInt(4) == 0) {
            body.put("max_tokens", 1 + random.nextInt(64)).put("suffix", HostileText.next(random, 2));
        }
        if (random.nextInt(6) == 0) {
            body.put("echo", random.nextBoolean()).put("logprobs", random.nextInt(5)).put("n", 1);
        }
        return body;
    }

    private static ObjectNode rerank(Random random) {
        ObjectNode body = NODES.objectNode().put("model", RERANKER);
        if (random.nextInt(8) != 0) {
            body.put("query", HostileText.next(random, 8));
        }
        ArrayNode documents = body.putArray("documents");
        for (int i = random.nextInt(5); i > 0; i--) {
            switch (random.nextInt(5)) {
                case 0 -> documents.addObject().put("text", HostileText.next(random, 8));
                case 1 -> documents.addObject().put("image", "data:image/png;base64,iVBORw0KGgo=");
                case 2 -> documents.add(random.nextInt(100));
                default -> documents.add(HostileText.next(random, 8));
            }
        }
        if (random.nextInt(3) == 0) {
            body.put("top_n", random.nextInt(8) - 2);
        }
        if (random.nextInt(3) == 0) {
            body.put("return_documents", random.nextBoolean());
        }
        return body;
    }

    private static ObjectNode embeddings(Random random) {
        ObjectNode body = NODES.objectNode().put("model", "all-minilm-l6-v2");
        if (random.nextBoolean()) {
            body.put("input", HostileText.next(random, 10));
        } else {
            ArrayNode inputs = body.putArray("input");
            for (int i = 1 + random.nextInt(4); i > 0; i--) {
                inputs.add(random.nextInt(5) == 0 ? new String[] {" ", "\u00a0", "\u200b", "", "\ud800", "\u0301"}[random.nextInt(6)]
                        : HostileText.next(random, 8));
            }
        }
        if (random.nextInt(4) == 0) {
            body.put("encoding_format", random.nextBoolean() ? "float" : "base64");
        }
        if (random.nextInt(6) == 0) {
            body.put("dimensions", 384);
        }
        if (random.nextInt(6) == 0) {
            body.put("user", HostileText.next(random, 3));
        }
        return body;
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(request.timeout(Fuzzer.ANSWER_TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI base() {
        return URI.create("http://127.0.0.1:" + port);
    }
}
