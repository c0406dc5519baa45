package dev.gatehouse.standalone;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.tenant.IssuedApiKey;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Malformed or hostile headers and bodies on the OpenAI-compatible endpoints and the admin APIs
 * get a precise 4xx problem, never a 500: unparsable content types, Accept headers that exclude
 * the answer, JSON bodies with something after the value, embeddings inputs with nothing to embed.
 */
@MarketplaceTest
class MalformedInputTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String CHAT = "{\"model\":\"chat-simulator\",\"max_tokens\":2,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String STREAMED_CHAT = CHAT.replace("{\"model\"", "{\"stream\":true,\"model\"");
    private static final String EMBEDDINGS = "{\"model\":\"all-minilm-l6-v2\",\"input\":\"A sentence.\"}";

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;

    private IssuedApiKey developer;
    private String admin;

    @BeforeEach
    void keys() {
        developer = TestKeys.developerKey(context, "malformed-input", null);
        admin = TestKeys.platformAdminKey(context);
    }

    /** Every endpoint that reads a JSON body, with a body it would accept. */
    static Stream<Arguments> jsonEndpoints() {
        return Stream.of(
                Arguments.of("POST", "/v1/chat/completions", CHAT),
                Arguments.of("POST", "/v1/embeddings", EMBEDDINGS),
                Arguments.of("POST", "/admin/v1/tenants", "{\"slug\":\"never-created\",\"display_name\":\"Never created\"}"),
                Arguments.of("POST", "/admin/v1/tenants/default/api-keys", "{\"name\":\"never issued\"}"),
                Arguments.of("PATCH", "/admin/v1/tenants/default", "{\"display_name\":\"Default tenant\"}"),
                Arguments.of("PUT", "/admin/v1/tenants/default/compliance", "{\"default_purpose\":\"general\"}"),
                Arguments.of("POST", "/admin/v1/catalog/models", "{\"id\":\"never-published\"}"));
    }

    static Stream<Arguments> unparsableContentTypes() {
        return jsonEndpoints().flatMap(endpoint -> Stream.of("application/json, text/plain", "application/", ";;;",
                        "application/json;charset=\"", "application/json;charset=no-such-charset")
                .map(contentType -> Arguments.of(endpoint.get()[0], endpoint.get()[1], endpoint.get()[2], contentType)));
    }

    @ParameterizedTest(name = "{0} {1} with Content-Type {3}")
    @MethodSource("unparsableContentTypes")
    void unparsableContentTypeIs415(String method, String path, String body, String contentType) throws Exception {
        ProblemAnswer.of(send(request(method, path, body).header("Content-Type", contentType))).assertIs(415, "unsupported_media_type");
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("jsonEndpoints")
    void emptyBodyWithoutContentTypeIs415(String method, String path, String ignoredBody) throws Exception {
        HttpRequest.Builder empty = HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + tokenFor(path))
                .method(method, HttpRequest.BodyPublishers.noBody());

        ProblemAnswer.of(send(empty)).assertIs(415, "unsupported_media_type");
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("jsonEndpoints")
    void contentAfterTheJsonValueIs400(String method, String path, String body) throws Exception {
        for (String trailing : List.of(" trailing", "{\"a\":1}", " 42")) {
            ProblemAnswer.of(send(request(method, path, body + trailing).header("Content-Type", "application/json")))
                    .assertIs(400, "malformed_json");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"\"", "\" \"", "\"\\t\\r\\n\"", "\"\\u00a0\"", "\"\\u0000\"", "\"\\u202e\"", "\"\\ud800\"",
            "\"\\u200b\\ufeff\\u2028\"", "[\"A sentence.\", \" \"]", "[\"A sentence.\", \"\\ud800\"]", "[\"A sentence.\", \"\\u0000\"]"})
    void embeddingsInputWithoutVisibleTextIs400NamingInput(String input) throws Exception {
        ProblemAnswer problem = ProblemAnswer.of(send(json("POST", "/v1/embeddings",
                "{\"model\":\"all-minilm-l6-v2\",\"input\":" + input + "}")));

        problem.assertIs(400, "invalid_request");
        assertThat(problem.json().at("/error/param").asText()).isEqualTo("input");
    }

    @Test
    void embeddingsInputTheEncoderReducesToNothingIsTheBackendsOwn400() throws Exception {
        HttpResponse<String> response = send(json("POST", "/v1/embeddings", "{\"model\":\"all-minilm-l6-v2\",\"input\":\"\\u0301\"}"));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(JSON.readTree(response.body()).at("/error/message").asText()).contains("nothing to embed");
    }

    /** Every endpoint, as a request it would answer with 200 when the Accept header allows JSON. */
    static Stream<Arguments> answeringEndpoints() {
        return Stream.of(
                Arguments.of("GET", "/v1/models", null),
                Arguments.of("POST", "/v1/chat/completions", CHAT),
                Arguments.of("POST", "/v1/embeddings", EMBEDDINGS),
                Arguments.of("GET", "/admin/v1/tenants/default", null),
                Arguments.of("GET", "/admin/v1/tenants/default/compliance", null),
                Arguments.of("GET", "/admin/v1/catalog/models", null),
                Arguments.of("GET", "/catalog/v1/models", null));
    }

    static Stream<Arguments> acceptHeadersExcludingJson() {
        return answeringEndpoints().flatMap(endpoint -> Stream.of("application/xml", "text/html", "text/event-stream",
                        "*/*, application/json;q=0", "application/", ";;;")
                .map(accept -> Arguments.of(endpoint.get()[0], endpoint.get()[1], endpoint.get()[2], accept)));
    }

    @ParameterizedTest(name = "{0} {1} with Accept {3}")
    @MethodSource("acceptHeadersExcludingJson")
    void acceptExcludingJsonIs406(String method, String path, String body, String accept) throws Exception {
        ProblemAnswer.of(send(answerable(method, path, body).header("Accept", accept))).assertIs(406, "not_acceptable");
    }

    static Stream<Arguments> acceptHeadersAllowingJson() {
        return answeringEndpoints().flatMap(endpoint -> Stream.of("*/*", "application/*", "application/json",
                        "application/json;q=0.5, text/html", "text/html, */*;q=0.1")
                .map(accept -> Arguments.of(endpoint.get()[0], endpoint.get()[1], endpoint.get()[2], accept)));
    }

    @ParameterizedTest(name = "{0} {1} with Accept {3}")
    @MethodSource("acceptHeadersAllowingJson")
    void acceptAllowingJsonIsAnswered(String method, String path, String body, String accept) throws Exception {
        HttpResponse<String> response = send(answerable(method, path, body).header("Accept", accept));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("answeringEndpoints")
    void noAcceptHeaderIsAnswered(String method, String path, String body) throws Exception {
        assertThat(send(answerable(method, path, body)).statusCode()).isEqualTo(200);
    }

    /** The OpenAI SDKs ask for a stream with {@code Accept: application/json}, so that admits one too. */
    @ParameterizedTest
    @ValueSource(strings = {"text/event-stream", "application/json", "text/*", "*/*"})
    void streamedChatIsAnsweredWhenAcceptAllowsEventsOrJson(String accept) throws Exception {
        HttpResponse<String> response = send(json("POST", "/v1/chat/completions", STREAMED_CHAT).header("Accept", accept));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/event-stream"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/xml", "text/html", "text/event-stream;q=0, application/json;q=0"})
    void streamedChatIs406WhenAcceptExcludesEventsAndJson(String accept) throws Exception {
        ProblemAnswer.of(send(json("POST", "/v1/chat/completions", STREAMED_CHAT).header("Accept", accept))).assertIs(406, "not_acceptable");
    }

    private HttpRequest.Builder answerable(String method, String path, String body) {
        return body == null ? request(method, path, null) : json(method, path, body);
    }

    private HttpRequest.Builder json(String method, String path, String body) {
        return request(method, path, body).header("Content-Type", "application/json");
    }

    private HttpRequest.Builder request(String method, String path, String body) {
        return HttpRequest.newBuilder(uri(path))
                .header("Authorization", "Bearer " + tokenFor(path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    }

    private String tokenFor(String path) {
        return path.startsWith("/v1/") ? developer.token() : admin;
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
