package dev.gatehouse.backends;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.output.Response;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * An OpenAI-compatible embeddings server around a real pre-trained sentence encoder
 * (all-MiniLM-L6-v2, quantised ONNX, run in-process on the CPU). Vectors have 384 dimensions and
 * unit length, so cosine similarity is their dot product.
 */
final class MiniLmEmbeddings {

    static final int DIMENSIONS = 384;
    static final int MAX_INPUTS = 256;
    static final int MAX_INPUT_CHARS = 32_768;

    private final ObjectMapper json;
    private final EmbeddingModel model;

    MiniLmEmbeddings(ObjectMapper json, EmbeddingModel model) {
        this.json = json;
        this.model = model;
    }

    String embed(JsonNode request) {
        JsonNode modelName = request.get("model");
        if (modelName == null || !modelName.isTextual() || modelName.asText().isBlank()) {
            throw new InvalidRequestException("'model' must be a non-empty string");
        }
        List<String> inputs = inputs(request.get("input"));
        boolean base64 = encodingIsBase64(request.get("encoding_format"));
        JsonNode dimensions = request.get("dimensions");
        if (dimensions != null && !dimensions.isNull() && (!dimensions.isIntegralNumber() || dimensions.intValue() != DIMENSIONS)) {
            throw new InvalidRequestException("this model only produces " + DIMENSIONS + "-dimensional embeddings");
        }

        Response<List<Embedding>> result = embedAll(inputs);
        ObjectNode body = json.createObjectNode();
        body.put("object", "list");
        ArrayNode data = body.putArray("data");
        List<Embedding> embeddings = result.content();
        for (int index = 0; index < embeddings.size(); index++) {
            ObjectNode item = data.addObject();
            item.put("object", "embedding");
            item.put("index", index);
            float[] vector = embeddings.get(index).vector();
            if (base64) {
                item.put("embedding", toBase64(vector));
            } else {
                ArrayNode values = item.putArray("embedding");
                for (float value : vector) {
                    values.add(value);
                }
            }
        }
        body.put("model", modelName.asText());
        int promptTokens = result.tokenUsage() == null || result.tokenUsage().inputTokenCount() == null
                ? 0 : result.tokenUsage().inputTokenCount();
        ObjectNode usage = body.putObject("usage");
        usage.put("prompt_tokens", promptTokens);
        usage.put("total_tokens", promptTokens);
        return body.toString();
    }

    /**
     * Which texts have nothing to embed is the encoder's own verdict, which no rule here could match
     * exactly: its BERT normaliser drops whitespace, control and format characters, U+FFFD and (the
     * model being uncased) accents, and a text of nothing else has no tokens.
     */
    private Response<List<Embedding>> embedAll(List<String> inputs) {
        try {
            return model.embedAll(inputs.stream().map(TextSegment::from).toList());
        } catch (RuntimeException e) {
            if (!refusedAsInput(e)) {
                throw e;
            }
            throw new InvalidRequestException("'input' has an entry with nothing to embed: it is empty, or only whitespace, "
                    + "control, format or accent characters");
        }
    }

    /** The encoder refuses an input with an IllegalArgumentException, wrapped when it embedded several in parallel. */
    private static boolean refusedAsInput(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof IllegalArgumentException) {
                return true;
            }
        }
        return false;
    }

    private static List<String> inputs(JsonNode input) {
        if (input == null || input.isNull()) {
            throw new InvalidRequestException("'input' is required");
        }
        List<String> texts = new ArrayList<>();
        if (input.isTextual()) {
            texts.add(checkedLength(input.asText()));
        } else if (input.isArray() && !input.isEmpty() && input.size() <= MAX_INPUTS) {
            for (JsonNode item : input) {
                if (!item.isTextual()) {
                    throw new InvalidRequestException("'input' must be a string or an array of strings; token arrays are not supported");
                }
                texts.add(checkedLength(item.asText()));
            }
        } else {
            throw new InvalidRequestException("'input' must be a string or an array of 1 to " + MAX_INPUTS + " strings");
        }
        return texts;
    }

    private static String checkedLength(String text) {
        if (text.length() > MAX_INPUT_CHARS) {
            throw new InvalidRequestException("each input may have at most " + MAX_INPUT_CHARS + " characters");
        }
        return text;
    }

    private static boolean encodingIsBase64(JsonNode format) {
        if (format == null || format.isNull() || "float".equals(format.asText())) {
            return false;
        }
        if ("base64".equals(format.asText())) {
            return true;
        }
        throw new InvalidRequestException("'encoding_format' must be 'float' or 'base64'");
    }

    /** OpenAI's base64 encoding: the little-endian float32 values, concatenated. */
    private static String toBase64(float[] vector) {
        ByteBuffer bytes = ByteBuffer.allocate(vector.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (float value : vector) {
            bytes.putFloat(value);
        }
        return Base64.getEncoder().encodeToString(bytes.array());
    }
}
