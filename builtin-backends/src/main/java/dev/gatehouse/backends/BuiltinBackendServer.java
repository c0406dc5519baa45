package dev.gatehouse.backends;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.resources.LoopResources;

import java.net.URI;
import java.time.Clock;
import java.util.function.Function;

/**
 * The model servers that ship with Gatehouse, on their own HTTP port on loopback, so that the
 * gateway reaches them exactly as it reaches remote GPU servers. Two OpenAI-compatible backends:
 * <ul>
 *   <li>{@code /minilm/v1/embeddings}: all-MiniLM-L6-v2, a real sentence encoder;</li>
 *   <li>{@code /chat-simulator/v1/chat/completions} and {@code /chat-simulator/v1/completions}: a paced chat
 *   simulator (not a model), answering chats and legacy text completions.</li>
 * </ul>
 */
public final class BuiltinBackendServer implements AutoCloseable {

    public static final String EMBEDDINGS_UPSTREAM_MODEL = "all-minilm-l6-v2";
    public static final String CHAT_UPSTREAM_MODEL = "chat-simulator";
    static final int MAX_REQUEST_BYTES = 4 * 1024 * 1024;

    private final DisposableServer server;
    private final LoopResources eventLoops;
    private final Scheduler inferenceThreads;

    private BuiltinBackendServer(DisposableServer server, LoopResources eventLoops, Scheduler inferenceThreads) {
        this.server = server;
        this.eventLoops = eventLoops;
        this.inferenceThreads = inferenceThreads;
    }

    /** Starts both backends on {@code host:port} (port 0 picks a free one). */
    public static BuiltinBackendServer start(String host, int port, ChatSimulatorSettings chatSettings) {
        ObjectMapper json = new ObjectMapper();
        // ONNX inference is CPU-bound: keep it off the event loop, on as many threads as cores.
        Scheduler inferenceThreads = Schedulers.newBoundedElastic(Runtime.getRuntime().availableProcessors(), 1_000, "minilm");
        EmbeddingModel encoder = new AllMiniLmL6V2QuantizedEmbeddingModel();
        MiniLmEmbeddings embeddings = new MiniLmEmbeddings(json, encoder);
        ChatSimulator chat = new ChatSimulator(json, chatSettings, Clock.systemUTC());

        // Own event loops: the backends stand in for remote servers and must not share (or be torn
        // down with) the gateway's global Reactor Netty resources.
        LoopResources eventLoops = LoopResources.create("gatehouse-backends", 1, true);
        DisposableServer server = HttpServer.create()
                .runOn(eventLoops)
                .host(host)
                .port(port)
                .route(routes -> routes
                        .post("/minilm/v1/embeddings", (request, response) -> handleJson(request, response, json, body ->
                                Mono.fromCallable(() -> embeddings.embed(body)).subscribeOn(inferenceThreads)
                                        .flatMap(answer -> sendJson(response, answer))))
                        .post("/chat-simulator/v1/chat/completions", (request, response) -> handleJson(request, response, json,
                                body -> answer(response, chat, body, chat.plan(body))))
                        .post("/chat-simulator/v1/completions", (request, response) -> handleJson(request, response, json,
                                body -> answer(response, chat, body, chat.planText(body))))
                        .get("/minilm/health", (request, response) -> sendJson(response, "{\"status\":\"ok\"}"))
                        .get("/chat-simulator/health", (request, response) -> sendJson(response, "{\"status\":\"ok\"}")))
                .bindNow();
        return new BuiltinBackendServer(server, eventLoops, inferenceThreads);
    }

    public URI embeddingsBaseUrl() {
        return baseUrl("/minilm/v1");
    }

    public URI chatBaseUrl() {
        return baseUrl("/chat-simulator/v1");
    }

    private URI baseUrl(String path) {
        return URI.create("http://" + server.host() + ":" + server.port() + path);
    }

    @Override
    public void close() {
        server.disposeNow();
        eventLoops.disposeLater().block();
        inferenceThreads.dispose();
    }

    private static Publisher<Void> handleJson(HttpServerRequest request, HttpServerResponse response, ObjectMapper json,
                                              Function<JsonNode, Mono<Void>> handler) {
        return request.receive().aggregate().asString()
                .defaultIfEmpty("")
                .flatMap(text -> {
                    if (text.length() > MAX_REQUEST_BYTES) {
                        return Mono.error(new InvalidRequestException("request body too large"));
                    }
                    JsonNode body;
                    try {
                        body = json.readTree(text);
                    } catch (JsonProcessingException e) {
                        return Mono.error(new InvalidRequestException("request body is not valid JSON"));
                    }
                    if (body == null || !body.isObject()) {
                        return Mono.error(new InvalidRequestException("request body must be a JSON object"));
                    }
                    return handler.apply(body);
                })
                .onErrorResume(InvalidRequestException.class,
                        error -> Mono.from(OpenAiError.send(response, json, HttpResponseStatus.BAD_REQUEST, error.getMessage())));
    }

    private static Mono<Void> answer(HttpServerResponse response, ChatSimulator chat, JsonNode body, ChatSimulator.Completion completion) {
        if (body.path("stream").asBoolean(false)) {
            boolean includeUsage = body.path("stream_options").path("include_usage").asBoolean(false);
            return response.header("Content-Type", "text/event-stream")
                    .header("Cache-Control", "no-cache")
                    .sendString(chat.stream(completion, includeUsage))
                    .then();
        }
        return chat.complete(completion).flatMap(answer -> sendJson(response, answer));
    }

    private static Mono<Void> sendJson(HttpServerResponse response, String body) {
        return response.header("Content-Type", "application/json").sendString(Mono.just(body)).then();
    }
}
