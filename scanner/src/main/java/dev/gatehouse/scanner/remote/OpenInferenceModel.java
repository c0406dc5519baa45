package dev.gatehouse.scanner.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.scanner.WindowTensors;
import dev.gatehouse.scanner.remote.RemoteClassifierException.Failure;

import java.io.IOException;
import java.net.URI;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The classifier model on an inference server that speaks the Open Inference Protocol (KServe V2:
 * Triton, KServe, Seldon MLServer, OpenVINO Model Server), over HTTP/JSON. Reads the model's
 * metadata ({@code GET {base}/models/{name}}) for its tensor names and sends batches of windows to
 * {@code POST {base}/models/{name}/infer} as the same {@code INT64} tensors the in-process session
 * reads; the answer is the model's logit per window. {@code base} is the server's {@code /v2} URL.
 * The specification: https://kserve.github.io/website/docs/concepts/architecture/data-plane/v2-protocol
 * (decision 0760). Thread-safe; one per endpoint.
 */
public final class OpenInferenceModel {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String INPUT_IDS = "input_ids";
    private static final String ATTENTION_MASK = "attention_mask";
    private static final String TOKEN_TYPE_IDS = "token_type_ids";

    private final InferenceTransport transport;
    private final URI metadataUrl;
    private final URI inferUrl;
    private final String modelName;

    /** What the server says of the model: its tensors, read once before the first inference. */
    record Metadata(boolean takesTokenTypes, String output) {
    }

    private volatile Metadata metadata;

    public OpenInferenceModel(InferenceTransport transport, URI base, String modelName) {
        this.transport = transport;
        String trimmed = base.toString().endsWith("/") ? base.toString().substring(0, base.toString().length() - 1) : base.toString();
        this.metadataUrl = URI.create(trimmed + "/models/" + modelName);
        this.inferUrl = URI.create(trimmed + "/models/" + modelName + "/infer");
        this.modelName = modelName;
    }

    public String modelName() {
        return modelName;
    }

    /** One logit per window, in order; completes exceptionally with a {@link RemoteClassifierException}. */
    public CompletableFuture<float[]> logits(List<long[]> windows) {
        return metadata().thenCompose(served -> {
            WindowTensors tensors = WindowTensors.of(windows);
            return send(inferUrl, Optional.of(inferRequest(tensors, served)))
                    .thenApply(body -> logitsOf(body, served.output(), tensors.rows()));
        });
    }

    private CompletableFuture<Metadata> metadata() {
        Metadata known = metadata;
        if (known != null) {
            return CompletableFuture.completedFuture(known);
        }
        return send(metadataUrl, Optional.empty()).thenApply(body -> {
            Metadata read = metadataOf(body);
            metadata = read;
            return read;
        });
    }

    private Metadata metadataOf(JsonNode body) {
        if (!modelName.equals(body.path("name").asText())) {
            throw new RemoteClassifierException(Failure.WRONG_MODEL,
                    "the server's metadata names model " + body.path("name").asText() + ", not " + modelName);
        }
        Set<String> inputs = names(body.path("inputs"));
        if (!inputs.contains(INPUT_IDS) || !inputs.contains(ATTENTION_MASK)) {
            throw new RemoteClassifierException(Failure.WRONG_MODEL, "model " + modelName + " does not read input_ids and attention_mask");
        }
        JsonNode outputs = body.path("outputs");
        if (!outputs.isArray() || outputs.size() != 1 || !outputs.get(0).path("name").isTextual()) {
            throw new RemoteClassifierException(Failure.WRONG_MODEL, "model " + modelName + " does not have one output, the logit");
        }
        return new Metadata(inputs.contains(TOKEN_TYPE_IDS), outputs.get(0).path("name").asText());
    }

    private static Set<String> names(JsonNode tensors) {
        Set<String> names = new HashSet<>();
        tensors.forEach(tensor -> names.add(tensor.path("name").asText()));
        return names;
    }

    private static byte[] inferRequest(WindowTensors tensors, Metadata served) {
        ObjectNode request = JSON.createObjectNode();
        ArrayNode inputs = request.putArray("inputs");
        addInput(inputs, INPUT_IDS, tensors, tensors.inputIds());
        addInput(inputs, ATTENTION_MASK, tensors, tensors.attentionMask());
        if (served.takesTokenTypes()) {
            addInput(inputs, TOKEN_TYPE_IDS, tensors, tensors.tokenTypeIds());
        }
        request.putArray("outputs").addObject().put("name", served.output());
        try {
            return JSON.writeValueAsBytes(request);
        } catch (IOException e) {
            throw new IllegalStateException("a tree of numbers always serialises", e);
        }
    }

    private static void addInput(ArrayNode inputs, String name, WindowTensors tensors, long[] values) {
        ObjectNode input = inputs.addObject();
        input.put("name", name);
        input.putArray("shape").add(tensors.rows()).add(tensors.length());
        input.put("datatype", "INT64");
        ArrayNode data = input.putArray("data");
        for (long value : values) {
            data.add(value);
        }
    }

    private float[] logitsOf(JsonNode body, String outputName, int rows) {
        for (JsonNode output : body.path("outputs")) {
            if (outputName.equals(output.path("name").asText())) {
                JsonNode data = output.path("data");
                if (!data.isArray() || data.size() != rows) {
                    throw new RemoteClassifierException(Failure.MALFORMED_ANSWER,
                            "model " + modelName + " answered " + data.size() + " logits for " + rows + " windows");
                }
                float[] logits = new float[rows];
                for (int i = 0; i < rows; i++) {
                    if (!data.get(i).isNumber()) {
                        throw new RemoteClassifierException(Failure.MALFORMED_ANSWER, "model " + modelName + " answered a logit that is no number");
                    }
                    logits[i] = (float) data.get(i).asDouble();
                }
                return logits;
            }
        }
        throw new RemoteClassifierException(Failure.MALFORMED_ANSWER, "model " + modelName + " answered without output " + outputName);
    }

    private CompletableFuture<JsonNode> send(URI url, Optional<byte[]> body) {
        return transport.exchange(url, body).thenApply(this::bodyOf);
    }

    private JsonNode bodyOf(InferenceTransport.Answer response) {
        int status = response.status();
        if (status >= 500) {
            throw new RemoteClassifierException(Failure.SERVER_ERROR, "model " + modelName + " answered " + status);
        }
        if (status == 404) {
            throw new RemoteClassifierException(Failure.WRONG_MODEL, "the server does not serve model " + modelName);
        }
        if (status != 200) {
            throw new RemoteClassifierException(Failure.MALFORMED_ANSWER, "model " + modelName + " answered " + status);
        }
        try {
            JsonNode body = JSON.readTree(response.body());
            if (body == null || !body.isObject()) {
                throw new RemoteClassifierException(Failure.MALFORMED_ANSWER, "model " + modelName + " answered no JSON object");
            }
            return body;
        } catch (IOException e) {
            throw new RemoteClassifierException(Failure.MALFORMED_ANSWER, "model " + modelName + " answered malformed JSON");
        }
    }
}
